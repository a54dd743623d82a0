"""Classification services: questionnaires and evidence, HR sign-off, review threads, re-checks, reclassification."""
