"""Steps of the inter-agency features: three agencies' cases, the router, the portal, webhooks.

The steps live in features/inter_agency/steps/, one module per scenario group; importing them
here is what makes pytest-bdd find them for this folder (features/land_registration does the
same with the ones it shares).
"""

from features.inter_agency.steps.bundle import *  # noqa: F403
from features.inter_agency.steps.common import *  # noqa: F403
from features.inter_agency.steps.deliveries import *  # noqa: F403
from features.inter_agency.steps.handoffs import *  # noqa: F403
from features.inter_agency.steps.receivers import *  # noqa: F403
