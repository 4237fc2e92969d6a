"""The crawler's egress policy: which network addresses a crawl may reach.

`addresses` says what an address is (and reads hosts written as numbers however
they are spelled); `policy` resolves a request's host and decides; `middleware`
refuses early (before robots.txt is asked for); `handler` connects to the very
address that was checked, so DNS rebinding and redirects change nothing.
"""
