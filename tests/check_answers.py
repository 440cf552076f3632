"""The pages of transitions that cannot be undone show a "check your answers" page before they run
(`scr_tracker.pages.Confirm`): a test posts the form, then the check page's one-time token."""

import re

TOKEN = re.compile(r'<input type="hidden" name="answers" value="([^"]+)">')


def token_of(response) -> str:
    """The token on a check page (which must be one: answered 200 with its button)."""
    assert response.status_code == 200, response.status_code
    found = TOKEN.search(response.content.decode())
    assert found, "no check page: " + " | ".join(
        re.findall(r'govuk-error-message">(.*?)<', response.content.decode(), re.S)
    )
    return found.group(1)


def confirm(client, response):
    """Press the check page's "Confirm and …" button."""
    return client.post(response.wsgi_request.path, {"answers": token_of(response)})


def post_and_confirm(client, url: str, data: dict, **kwargs):
    """Post a form to its check page and confirm it, as a user presses "Continue" then "Confirm and …".
    A form the page refuses (field errors, or a redirect with a refusal) is answered as it was."""
    response = client.post(url, data, **kwargs)
    if response.status_code != 200 or not TOKEN.search(response.content.decode()):
        return response
    return client.post(url, {"answers": TOKEN.search(response.content.decode()).group(1)}, **kwargs)
