"""Test helpers shared by the tiers and the benchmarks: drawings, encoders, HTTP, servers."""
