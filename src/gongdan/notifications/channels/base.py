"""What every channel shares: the error a failed send raises."""

from __future__ import annotations


class DeliveryError(Exception):
    """A send failed. ``permanent`` failures (policy refusals, a removed robot, a refused address) are not
    retried; every other failure is retried with backoff until the last attempt."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent
