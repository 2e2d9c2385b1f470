"""The Label Studio annotation loop: labeling config from the scheme, push, pull, a local server.

Only this package imports `label_studio_sdk` (the `studio` extra), and only inside `client`,
so the config generator, the offset checks and pulling a saved export work without it.
"""
