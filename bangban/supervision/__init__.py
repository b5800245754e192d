"""Monthly supervision: ledgers, unit rankings, official notices (通报), accountability and dashboards: issue #7, R11, R14, R15, R2.4, R6.3."""
