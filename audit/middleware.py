import uuid


class RequestIdMiddleware:
    """Give every request an id, returned as X-Request-ID, so audit rows and logs can be matched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response
