"""Ratings (好差评), rectification of bad ratings (差评整改), follow-up calls (回访) and the monthly re-check (回头看): issue #5, R2.3, R2.4, R6.3, R14.2."""
