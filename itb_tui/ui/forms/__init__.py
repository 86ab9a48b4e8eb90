"""The forms: one modal per record a clinician adds or changes, all on `base.FormScreen`.

patient (PatientForm), pump (PumpForm: add, replace, reimplant), refill (RefillForm, with
the override when refill is blocked), culture (CultureForm, CultureResultForm),
antifungal (AntifungalForm: start, change, stop), explant (ExplantForm), bridging
(BridgingForm), symptoms (SymptomsForm), exam (ExamForm), entered_in_error
(EnteredInErrorForm).
"""
