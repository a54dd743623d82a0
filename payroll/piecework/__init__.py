"""Task and piece pay: desk work dispatched per task, recorded per completed task and paid once by a run."""
