"""Issue 18, finding 1: the admin shows no second-factor secret (device keys, QR codes)."""

from django.test import Client

from tests.conftest import sign_in_with_both_factors


def test_the_totp_device_pages_are_gone(administrator, staff_a):
    sign_in_with_both_factors(Client(), staff_a)  # staff_a now has a device with a key
    admin = sign_in_with_both_factors(Client(), administrator)
    for url in ("/admin/otp_totp/totpdevice/", "/admin/otp_totp/totpdevice/1/change/", "/admin/otp_totp/"):
        assert admin.get(url).status_code == 404, url
    assert b"otp_totp" not in admin.get("/admin/").content
