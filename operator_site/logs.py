"""One log line per event, with nothing a traveller typed in it."""

import logging
import traceback


class OneLineFormatter(logging.Formatter):
    """`time level logger message`, and for an exception its type and the innermost place it
    was raised (file:line in function) on the same line. The exception's message and the
    traceback's other frames are left out: a database error's message can quote the values of
    the row (a name, an e-mail), and a multi-line traceback splits one event over many lines."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record):
        exc_info, record.exc_info, record.exc_text = record.exc_info, None, None
        try:
            line = super().format(record)
        finally:
            record.exc_info = exc_info
        if exc_info and exc_info[0] is not None:
            line += f" exception={exc_info[0].__name__}"
            frames = traceback.extract_tb(exc_info[2])
            if frames:
                last = frames[-1]
                line += f" at={last.filename}:{last.lineno} in {last.name}"
        return line.replace("\n", " ").replace("\r", " ")
