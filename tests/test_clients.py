"""Who a client is (clients.identity): its address as the site counts it, kept as a keyed hash."""

import pytest

from clients.identity import client_address, client_hash


@pytest.mark.parametrize(
    ("remote", "counted"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("not-an-address", "not-an-address"),
    ],
)
def test_an_ipv6_client_counts_by_its_64_network(rf, remote, counted):
    assert client_address(rf.get("/", REMOTE_ADDR=remote)) == counted


def test_one_ipv6_subscriber_is_one_client_and_its_neighbour_another(rf):
    def hashed(address):
        return client_hash(rf.get("/", REMOTE_ADDR=address))

    assert hashed("2001:db8:1:2::1") == hashed("2001:db8:1:2:9999::7")
    assert hashed("2001:db8:1:2::1") != hashed("2001:db8:1:3::1")


def test_the_hash_is_keyed_and_holds_no_address(rf, settings):
    request = rf.get("/", REMOTE_ADDR="198.51.100.7")
    first = client_hash(request)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40

    assert len(first) == 64 and "198" not in first
    assert client_hash(request) != first


def test_a_clients_hash_stays_the_same_across_releases(rf, settings):
    """Stored hashes (a comment's ip_hash, login lockouts, rate buckets) must keep matching the
    same client after an upgrade: the hash depends on the key and the address only."""
    settings.SECRET_KEY = "a-fixed-key-for-this-test-only-" + "x" * 30

    assert client_hash(rf.get("/", REMOTE_ADDR="198.51.100.7")) == (
        "5de432c67b84fa0506d2a5b5e64276e9ad845b048d0bfdd299ba0038e4690e00"
    )


@pytest.mark.parametrize(
    ("proxies", "forwarded", "client"),
    [
        (1, "203.0.113.9,198.51.100.1", "198.51.100.1"),  # no spaces
        (1, " 203.0.113.9 , 198.51.100.1 ", "198.51.100.1"),
        (2, "198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (1, "", "127.0.0.1"),  # the proxy sent no header: its own address, not a forged one
        (2, "10.0.0.2", "127.0.0.1"),  # fewer entries than proxies: nothing to trust
        (0, "203.0.113.9", "127.0.0.1"),
        (1, "2001:db8:5:6::99", "2001:db8:5:6::/64"),
    ],
)
def test_the_client_behind_trusted_proxies(rf, settings, proxies, forwarded, client):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}

    assert client_address(rf.get("/", REMOTE_ADDR="127.0.0.1", **headers)) == client
