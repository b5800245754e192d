"""Service officers (帮办专员/驻厂员) and their assignments, contacts and visits, compliance and verification, the enterprise's liaison: R3, R4."""
