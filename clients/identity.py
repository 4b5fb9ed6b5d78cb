"""Who a client is: its network address, known to the site only as a keyed hash."""

import ipaddress

from django.conf import settings
from django.utils.crypto import salted_hmac

# One IPv6 subscriber gets a /64 (or more) and picks addresses in it at will.
IPV6_PREFIX = 64


def client_address(request):
    """The address of the client that sent `request`, as the site counts it.

    REMOTE_ADDR, unless TRUSTED_PROXY_COUNT proxies of ours stand in front of the site: then
    each of them appended the address it was connected from to X-Forwarded-For, and the client
    is the entry the outermost one added, counted from the right. Entries further left were
    sent by the client and may be forged. An IPv6 client counts by its /64 network.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        address = forwarded[-proxies]
    else:
        address = request.META.get("REMOTE_ADDR", "")
    return _counted_address(address)


def _counted_address(text):
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return text
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)


def client_hash(request):
    """The client's address as an HMAC under the secret key: what the site stores and counts,
    never the address itself."""
    return salted_hmac(
        "mistralnews.comments.client-ip", client_address(request), algorithm="sha256"
    ).hexdigest()


def address_hash(email):
    """An email address as an HMAC under the secret key: what rate limits count a verified
    address's actions under, without keeping the address in their counters."""
    return salted_hmac(
        "mistralnews.comments.address", email.strip().lower(), algorithm="sha256"
    ).hexdigest()
