"""Cases (dossiers) resource."""
