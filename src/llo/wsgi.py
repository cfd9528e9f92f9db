# SPDX-License-Identifier: EUPL-1.2
"""The WSGI application gunicorn serves. It refuses to start when a deployment lacks its keys
or has the demo login on (llo.core.checks); a worker that cannot boot stops gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "llo.settings")
application = get_wsgi_application()

from llo.core.checks import refuse_to_start  # noqa: E402 - needs the apps loaded

refuse_to_start()


from llo.core.server import warm_before_fork  # noqa: E402

warm_before_fork()
