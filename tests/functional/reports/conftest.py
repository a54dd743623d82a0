"""The agency reports' HTTP tests use the billed week of the report integration tests."""
from tests.integration.reports.conftest import billed  # noqa: F401 (the fixture)
