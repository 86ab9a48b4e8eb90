"""Scripts the benchmark runner starts as separate processes (one measurement each), so
every sample is a cold start with its own peak memory. Each prints one JSON line."""
