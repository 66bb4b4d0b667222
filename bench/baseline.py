"""The yardstick: the smallest honest Flask + SQLAlchemy app. One page renders a template from one query;
one endpoint inserts one row. Fellowship's hot paths are reported as a share of these two. It runs against
the same database as the app (its own table), so a ratio compares the code, not two databases."""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, render_template_string, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Item(db.Model):
    __tablename__ = "bench_baseline_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))


PAGE = """<!doctype html><html lang="en"><head><title>Items</title></head><body><ul>
{% for item in items %}<li>{{ item.title }}</li>{% endfor %}</ul></body></html>"""


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get(
        "BASELINE_DATABASE_URL", "sqlite:////tmp/baseline.sqlite3"
    )
    db.init_app(app)

    @app.get("/page")
    def page() -> str:
        items = db.session.scalars(sa.select(Item).order_by(Item.id).limit(20)).all()
        return render_template_string(PAGE, items=items)

    @app.post("/insert")
    def insert() -> tuple[str, int]:
        db.session.add(Item(title=request.form.get("title", "x")[:200]))
        db.session.commit()
        return "ok", 201

    with app.app_context():
        db.create_all()
        if not db.session.scalar(sa.select(sa.func.count(Item.id))):
            db.session.add_all(Item(title=f"Item {n}") for n in range(20))
            db.session.commit()
    return app


app = create_app()
