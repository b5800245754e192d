"""Tiered escalation (分级会办), meetings and their tasks, the mayor's channel review chain, disputed responsibility and supervision orders (督办/催办): R8, R12, R6.2, R3.3, R14.1."""
