"""The `backoffice` console script. The engine commands, which need no database, run on their own (a fraction of a
second to start); every other command goes through the Flask CLI, which builds the whole app first."""
from __future__ import annotations

import importlib
import sys

# (words of the command) -> (module, click command): commands that read JSON or CSV, run a pure engine and print
# or write JSON (no database)
APP_FREE = {
    ("paycheck", "quote"): ("payroll.cli_engine", "quote_cmd"),
    ("paycheck", "states"): ("payroll.cli_engine", "states_cmd"),
    ("paycheck", "load-psd-register"): ("payroll.cli_engine", "load_psd_register_cmd"),
    ("classify",): ("backoffice.classification.cli_engine", "classify_cmd"),
    ("benefits", "aca-measure"): ("benefits.cli_engine", "aca_measure_cmd"),
    ("leave", "accrue"): ("backoffice.leave.cli", "accrue_cmd"),
    ("leave", "policies"): ("backoffice.leave.cli", "policies_cmd"),
}


def run(argv: list[str] | None = None):
    args = list(sys.argv[1:] if argv is None else argv)
    for words, (module, name) in APP_FREE.items():
        if tuple(args[:len(words)]) == words:
            command = getattr(importlib.import_module(module), name)
            return command.main(args=args[len(words):], prog_name="backoffice " + " ".join(words))
    from backoffice.cli import main      # here, not at the top: it imports the whole app

    return main(args=args, prog_name="backoffice")


if __name__ == "__main__":
    sys.exit(run())
