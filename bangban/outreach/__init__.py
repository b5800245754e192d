"""Investment projects and chief service officers, associations, volunteer supervisors, symposia and policy push: R1, R5, R13, R4.1."""
