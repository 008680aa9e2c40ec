"""counsel-align: RLHF preference data and alignment for counseling chatbots.

Importing this package switches the Hugging Face stack to offline, telemetry-free
mode before anything else reads those settings: counseling data and model calls never
leave the machine unless the user opts in with ``COUNSEL_ALIGN_ONLINE=1``.
"""

from align.privacy import apply_privacy_defaults

apply_privacy_defaults()

__version__ = "0.1.0"
