import logging
import uuid

from django.db import DatabaseError

from audit.services import REFUSED, access_refusal_record

logger = logging.getLogger(__name__)


class RequestIdMiddleware:
    """Give every request an id, returned as X-Request-ID, so audit rows and logs can be matched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class AccessRefusalMiddleware:
    """Every 403 and 404 answered to a signed-in person writes an `AccessRefusal` row (SECURITY row 10).

    One place for every refusal: the scoped selectors answer 404 for a record out of the user's scope
    (and for one that is not there), views answer 403 for a role that may not act; each ends here as a
    response, whichever page or API view refused. Placed inside the authentication middleware's
    reach and outside the views, so DRF's token user (set on the request by the view) is seen too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in REFUSED:
            try:
                access_refusal_record(request=request, response=response)
            except DatabaseError:
                # The refusal stands whatever happens to its record (a lost database: decision 0029).
                logger.warning("Refused access not recorded: the database is unreachable")
        return response
