"""The invitation email: who invited the person, the link, and when it stops working."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone


def invitation_email(invitation, token: str) -> EmailMultiAlternatives:
    user = invitation.user
    context = {
        "full_name": user.full_name,
        "role": user.get_role_display(),
        "board": user.board.name if user.board_id else "",
        "invited_by": invitation.invited_by.full_name if invitation.invited_by_id else settings.SERVICE_NAME,
        "link": settings.SITE_URL.rstrip("/") + reverse("accounts:invitation", args=[token]),
        "expires_at": timezone.localtime(invitation.expires_at),
        "service_name": settings.SERVICE_NAME,
    }
    subject = " ".join(render_to_string("emails/invitation_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(render_to_string("emails/invitation.html", context), "text/html")
    return message
