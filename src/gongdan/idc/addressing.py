"""IP arithmetic for prefixes and addresses (Python's ``ipaddress``), and the sortable key they are stored by.

An address is stored twice: as text (``192.0.2.10``, ``2001:db8::1``) for people, and as ``address_key``, the
family digit followed by the address as 32 hexadecimal digits (``4000…c000020a``). The key has a fixed width,
so ordering and range queries (``address_key__range=(first, last)``) are plain string comparisons that sort and
use an index the same way on SQLite and PostgreSQL. IPv4 keys sort before IPv6 keys.
"""

from __future__ import annotations

import ipaddress

from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
KEY_LENGTH = 33


def address_key(address: IPAddress) -> str:
    return f'{address.version}{int(address):032x}'


def key_address(key: str) -> IPAddress:
    return ipaddress.ip_address(int(key[1:], 16)) if key[0] == '6' else ipaddress.IPv4Address(int(key[1:], 16))


def parse_network(text: str) -> IPNetwork:
    """``192.0.2.0/24`` → network; host bits set (``192.0.2.1/24``) is refused, as is a bare address."""
    text = (text or '').strip()
    if '/' not in text:
        raise ValueError(_('"{value}" is not a prefix: write it as 192.0.2.0/24.').format(value=text))
    try:
        return ipaddress.ip_network(text, strict=True)
    except ValueError:
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise ValueError(_('"{value}" is not an IP prefix.').format(value=text)) from None
        raise ValueError(
            _('"{value}" has host bits set; the prefix is {network}.').format(value=text, network=network)
        ) from None


def parse_address(text: str) -> IPAddress:
    text = (text or '').strip()
    try:
        return ipaddress.ip_address(text.split('/')[0])
    except ValueError:
        raise ValueError(_('"{value}" is not an IP address.').format(value=text)) from None


def usable_range(network: IPNetwork) -> tuple[IPAddress, IPAddress] | None:
    """First and last address a host may have: IPv4 leaves out the network and broadcast addresses (except /31
    and /32, RFC 3021), IPv6 leaves out the subnet-router anycast address (the network address)."""
    first, last = network.network_address, network.broadcast_address
    if network.version == 4:
        if network.prefixlen <= 30:
            first, last = first + 1, last - 1
    elif network.prefixlen <= 127:
        first = first + 1
    return (first, last) if first <= last else None


def usable_count(network: IPNetwork) -> int:
    bounds = usable_range(network)
    return int(bounds[1]) - int(bounds[0]) + 1 if bounds else 0


def host_problem(network: IPNetwork, address: IPAddress) -> str | None:
    """Why ``address`` may not be a host of ``network`` (outside it, its network or broadcast address), or None."""
    if address.version != network.version or address not in network:
        return _('{address} is not inside {network}.').format(address=address, network=network)
    bounds = usable_range(network)
    if bounds is None or not bounds[0] <= address <= bounds[1]:
        if address == network.network_address:
            return _('{address} is the network address of {network}.').format(address=address, network=network)
        return _('{address} is the broadcast address of {network}.').format(address=address, network=network)
    return None
