"""clients: the client's address, from the connection or from the nearest of our proxies."""

from django.test import RequestFactory, SimpleTestCase, override_settings

from archive.clients import client_address


def request(forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", **extra)


class ClientAddressTests(SimpleTestCase):
    def test_without_proxies_the_connection_is_the_client_whatever_the_header_says(self):
        self.assertEqual(client_address(request("198.51.100.1")), "10.0.0.1")

    @override_settings(NUM_PROXIES=1)
    def test_behind_one_proxy_the_address_it_appended_is_the_client(self):
        self.assertEqual(client_address(request("198.51.100.1")), "198.51.100.1")
        self.assertEqual(client_address(request("203.0.113.9, 198.51.100.1")), "198.51.100.1")
        self.assertEqual(client_address(request()), "10.0.0.1")

    @override_settings(NUM_PROXIES=2)
    def test_behind_two_proxies_the_address_the_outer_one_appended_is_the_client(self):
        self.assertEqual(client_address(request("203.0.113.9, 198.51.100.1, 10.0.0.2")), "198.51.100.1")
        self.assertEqual(client_address(request("198.51.100.1")), "198.51.100.1")
