"""The co-op network: organisations and people listing what they offer and what they need, found by
category, skill, place and language in any of the site's languages, and kept fresh by asking owners to
confirm their entries.

This first part holds the models, the search and the rules; the blueprint (its views, forms and templates)
comes next. Until then ``Fellowship`` imports ``network.personal`` itself, which loads the models (for
``db.create_all`` and Alembic) and registers the personal-data holding.
"""
