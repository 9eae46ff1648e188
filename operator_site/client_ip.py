"""Who is asking: the client's address behind trusted proxies. Site-wide machinery: the
request form's rate limit counts under it and django-axes counts staff login failures under it
(AXES_CLIENT_IP_CALLABLE)."""

import ipaddress

from django.conf import settings


def _parse_ip(value):
    """An address as proxies write it in X-Forwarded-For: `203.0.113.5`, `2001:db8::5`, or with
    a port, `203.0.113.5:4711` and `[2001:db8::5]:4711` (Azure's and some CDNs' habit). The
    port is dropped: the same traveller comes from a new port on every connection."""
    value = value.strip()
    if value.startswith("["):
        host, bracket, rest = value[1:].partition("]")
        port = rest[1:]  # ASCII digits only: isdigit() is true for "²"
        if not bracket or (rest and not (rest[0] == ":" and port.isascii() and port.isdecimal())):
            return None
        value = host
    elif value.count(":") == 1:
        host, _colon, port = value.partition(":")
        if not (port.isascii() and port.isdecimal()):
            return None
        value = host
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _is_trusted(address):
    return any(address in network for network in settings.TRUSTED_PROXIES)


def client_ip(request):
    """The address of the client that sent `request`.

    X-Forwarded-For is believed only when the connection comes from a configured trusted
    proxy (TRUSTED_PROXIES); then the header is read from the right, skipping further trusted
    proxies, and the first other address is the client. Anyone else's header is ignored, so a
    client cannot pick the address it is rate-limited under. django-axes counts staff login
    failures under this same address (AXES_CLIENT_IP_CALLABLE).
    """
    remote = _parse_ip(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    if not _is_trusted(remote):
        return str(remote)
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _parse_ip(hop)
        if address is None:
            break  # garbage in the chain: stop believing it here
        if not _is_trusted(address):
            return str(address)
        remote = address
    return str(remote)
