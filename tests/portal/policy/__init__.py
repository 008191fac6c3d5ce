"""Access policy, audit trail, encryption at rest and log hygiene."""
