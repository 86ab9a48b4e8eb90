"""FHIR R4 for the ward: `write.render` (export a Bundle), `read.parse_bundle` (import
one back as clinical records), `codes` (the systems, codes and extension URLs both use).

Plain standard library at import time: fhir.resources validates in the tests only.
"""
