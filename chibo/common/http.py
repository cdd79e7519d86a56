"""Request helpers that know nothing of Chibo's domain."""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The sender's IP. X-Forwarded-For is believed only when CHIBO_TRUSTED_PROXY says a proxy of ours
    sets it (any client can send the header); then the right-most address is the one our proxy saw."""
    address = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "CHIBO_TRUSTED_PROXY", False):
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            address = forwarded[-1]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if ip.version == 6:
        # One subscriber usually holds a whole /64: count it as one sender.
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)
