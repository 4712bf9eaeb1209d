"""Monitoring: rules that turn the data into signals, the jobs that run them, digests."""
