"""The module editor's pages: the curriculum library, a draft's texts per language beside English, its
worksheet fields, publishing it as the next version, YAML export and import, and who may edit.

Modules are shared by every program of a kind, so the right to edit is per program kind: administrators
edit every module, and make facilitators curriculum editors of a kind (``CurriculumEditor``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from fellowship.core import home, limits
from fellowship.core.forms import ActionForm
from fellowship.core.i18n import LANGUAGE_NAMES
from fellowship.core.markdown import render as render_markdown
from fellowship.core.permissions import admin_required, is_admin, require
from fellowship.curriculum import editing, loader, queries, resources, services
from fellowship.curriculum.enums import FieldType
from fellowship.curriculum.forms import EditorGrantForm, ImportForm, NewModuleForm, PublishForm
from fellowship.curriculum.models import CurriculumEditor, Module, ModuleDraft
from fellowship.curriculum.views import bp
from fellowship.extensions import db
from fellowship.programs.enums import PROGRAM_KIND_LABELS, ProgramKind, Role
from fellowship.programs.queries import facilitated_cohorts

LANGUAGES = ("en", "es", "pl", "ar", "he")
RTL = {"ar", "he"}
IMPORT_MAX_BYTES = 512 * 1024
FIELD_TYPE_LABELS = {
    FieldType.SHORT_TEXT: _l("Short text"),
    FieldType.LONG_TEXT: _l("Long text"),
    FieldType.LIST: _l("List (one item per line)"),
    FieldType.CHOICE: _l("Choice"),
    FieldType.NUMBER: _l("Number"),
    FieldType.DATE: _l("Date"),
    FieldType.TABLE: _l("Table"),
}
WHERE_LABELS = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "body": _l("Reading (Markdown)"),
    "questions": _l("Guiding questions (one per line)"),
    "label": _l("Field label"),
    "help": _l("Help text"),
    "choice": _l("Choice"),
    "column": _l("Column"),
    "row": _l("Row"),
}


def editable_kinds() -> set[str] | None:
    """The program kinds whose modules the signed-in person may edit; None means every kind (admins)."""
    if is_admin(current_user):
        return None
    return set(db.session.scalars(queries.editor_kinds(current_user.id)))


def may_edit(kind: str) -> bool:
    kinds = editable_kinds()
    return kinds is None or kind in kinds


def editable_module(slug: str) -> tuple[Module | None, ModuleDraft | None]:
    """The module's current version and its draft (either may be missing, not both), for an editor of its
    kind; a stranger to the curriculum is refused."""
    current = db.session.scalar(sa.select(Module).where(Module.slug == slug, Module.current.is_(True)))
    draft = db.session.scalar(sa.select(ModuleDraft).where(ModuleDraft.slug == slug))
    if current is None and draft is None:
        abort(404)
    require(may_edit(draft.program_kind if draft else current.program_kind))  # type: ignore[union-attr]
    return current, draft


def _data(current: Module | None, draft: ModuleDraft | None) -> dict[str, Any]:
    if draft is not None:
        return draft.data
    assert current is not None
    return editing.for_storage(loader.as_data(current))


def _edits() -> int:
    try:
        return int(request.form.get("edits", "0"))
    except ValueError:
        abort(400)


def _save(current: Module | None, draft: ModuleDraft | None, data: dict[str, Any]) -> bool:
    """Store the edited data in the draft (starting one from the current version); False, with a message,
    when someone else saved it meanwhile."""
    try:
        if draft is None:
            assert current is not None
            draft = services.start_draft(current, current_user.id)
        services.save_draft(draft, data, _edits(), current_user.id)
        db.session.commit()
    except services.EditorError as error:
        db.session.rollback()
        flash(str(error), "error")
        return False
    except IntegrityError:  # two editors started a draft of the module at the same moment
        db.session.rollback()
        flash(
            str(services.STALE_DRAFT),
            "error",
        )
        return False
    return True


def editor_context(slug: str, current: Module | None, draft: ModuleDraft | None) -> dict[str, Any]:
    data = _data(current, draft)
    # Checked as a file would be; the day of publication is set when it is published.
    checked, problems = editing.check({**data, "published_on": data.get("published_on") or "2000-01-01"})
    return {
        "checked": checked,
        "slug": slug,
        "current": current,
        "draft": draft,
        "data": data,
        "problems": problems,
        "kind_label": PROGRAM_KIND_LABELS.get(ProgramKind(data.get("program_kind", "other")), ""),
        "title": (data.get("title") or {}).get("en", slug),
        "edits": draft.edits if draft else 0,
    }


# --- the library -------------------------------------------------------------------------------------------


@bp.route("/curriculum")
@login_required
def library() -> str:
    kinds = editable_kinds()
    require(kinds is None or bool(kinds))
    rows = db.session.execute(queries.library(kinds)).all()
    new_drafts = db.session.scalars(queries.new_module_drafts(kinds)).all()
    grouped: dict[str, list[Any]] = {}
    for module, draft in rows:
        grouped.setdefault(module.program_kind, []).append((module, draft))
    for draft in new_drafts:
        grouped.setdefault(draft.program_kind, []).append((None, draft))
    return render_template(
        "curriculum/library.html",
        grouped=grouped,
        kind_labels={kind.value: label for kind, label in PROGRAM_KIND_LABELS.items()},
        import_form=ImportForm(),
        admin=kinds is None,
    )


def _kind_choices() -> list[tuple[str, str]]:
    kinds = editable_kinds()
    return [
        (kind.value, str(label))
        for kind, label in PROGRAM_KIND_LABELS.items()
        if kinds is None or kind.value in kinds
    ]


@bp.route("/curriculum/new", methods=["GET", "POST"])
@login_required
def new_module() -> str | Response | tuple[str, int]:
    choices = _kind_choices()
    require(bool(choices))
    form = NewModuleForm()
    form.program_kind.choices = choices
    if form.validate_on_submit():
        try:
            services.new_module_draft(
                form.slug.data, form.program_kind.data, form.title.data, current_user.id
            )
            db.session.commit()
        except (services.EditorError, IntegrityError) as error:
            db.session.rollback()
            message = (
                str(error) if isinstance(error, services.EditorError) else _("Choose another short name.")
            )
            form.slug.errors = [*form.slug.errors, message]
        else:
            flash(
                _("The new module's draft is started. Write its reading and add its worksheet fields."),
                "success",
            )
            return redirect(url_for(".edit_module", slug=form.slug.data))
    return render_template("curriculum/new_module.html", form=form), 400 if form.errors else 200


# --- texts, per language beside English --------------------------------------------------------------------


def _language() -> str:
    """The language whose texts are edited (``?texts=ar``; ``lang`` would switch the interface's)."""
    lang = request.args.get("texts", "en")
    if lang not in LANGUAGES:
        abort(404)
    return lang


@bp.route("/curriculum/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_module(slug: str) -> str | Response | tuple[str, int]:
    current, draft = editable_module(slug)
    lang = _language()
    form = ActionForm()
    context = editor_context(slug, current, draft)
    entries = editing.texts(context["data"], lang)
    errors: dict[str, str] = {}
    conflict = False
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        values = {entry.key: request.form.get(f"t:{entry.key}", entry.value) for entry in entries}
        for entry in entries:
            # The rules every form's text follows (core.limits): no control characters, a stated length.
            problem = limits.text_problem(values[entry.key], entry.multiline, entry.max_length)
            if problem is not None:
                errors[entry.key] = str(problem)
        if not errors:
            if _save(current, draft, editing.set_texts(context["data"], lang, values)):
                flash(_("The draft is saved. Fellows see it once it is published."), "success")
                return redirect(url_for(".edit_module", slug=slug, texts=lang))
            # Someone else saved meanwhile: their draft stays, this editor's text stays in the form, and
            # saving again (from the draft as it is now) is a deliberate choice.
            conflict = True
            current, draft = editable_module(slug)
            context = editor_context(slug, current, draft)
        for entry in entries:  # show what was typed, with the problems
            entry.value = values[entry.key]
    body = next(entry for entry in entries if entry.key == "body")
    english_body = body.english
    return render_template(
        "curriculum/edit_module.html",
        form=form,
        text_lang=lang,
        languages=LANGUAGES,
        direction="rtl" if lang in RTL else "ltr",
        entries=entries,
        errors=errors,
        where_labels=WHERE_LABELS,
        preview=render_markdown(body.value or english_body),
        preview_falls_back=not body.value and lang != "en",
        versions=db.session.scalars(queries.versions(slug)).all(),
        language_names=LANGUAGE_NAMES,
        conflict=conflict,
        **context,
    ), 409 if conflict else 400 if errors else 200


# --- the worksheet's fields --------------------------------------------------------------------------------


def _int(name: str, default: int | None = None, low: int = 0, high: int = 100_000) -> int | None:
    text = request.form.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


def _lines(name: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in request.form.get(name, "").splitlines() if line.strip())


def _removed(prefix: str, choices: Any) -> tuple[int, ...]:
    """Positions of the choices whose "Remove" box is ticked."""
    return tuple(index for index in range(len(choices or [])) if f"{prefix}:{index}" in request.form)


def _structure_changes(fields: list[dict[str, Any]]) -> tuple[list[editing.FieldChange], dict[str, str]]:
    changes, errors = [], {}
    for index, field in enumerate(fields):
        name = field["name"]
        position = _int(f"position:{name}", default=index + 1, high=1000)
        max_length = (
            _int(f"max:{name}", default=field["max_length"], low=1, high=editing.BODY_MAX)
            if "max_length" in field
            else None
        )
        if position is None:
            errors[name] = _("Give the position as a whole number.")
        if "max_length" in field and max_length is None:
            errors[name] = _("Give the longest answer as a whole number from 1 to %(n)d.", n=editing.BODY_MAX)
        added = _lines(f"add-choices:{name}")
        problem = next(filter(None, (limits.text_problem(label, False, 300) for label in added)), None)
        if problem is not None:
            errors[name] = str(problem)
        removed = _removed(f"remove-choice:{name}", field.get("choices"))
        column_choices = {}
        for column in field.get("columns") or []:
            if "choices" not in column:
                continue
            key = f"{name}:{column['name']}"
            column_added = _lines(f"add-choices:{key}")
            added_problem = next(
                filter(None, (limits.text_problem(t, False, 300) for t in column_added)), None
            )
            if added_problem is not None:
                errors[name] = str(added_problem)
            column_choices[column["name"]] = (
                column_added,
                _removed(f"remove-choice:{key}", column["choices"]),
            )
        changes.append(
            editing.FieldChange(
                name=name,
                position=position or 0,
                required=f"required:{name}" in request.form,
                remove=f"remove:{name}" in request.form,
                max_length=max_length,
                new_choices=added,
                removed_choices=removed,
                column_choices=column_choices,
            )
        )
    return changes, errors


def _new_field() -> tuple[dict[str, Any] | None, str | None]:
    label = request.form.get("new-label", "").strip()
    if not label:
        return None, None
    kind = request.form.get("new-type", "")
    if kind not in {t.value for t in editing.ADDABLE_TYPES}:
        return None, _("Choose the new field's type.")
    choices = _lines("new-choices")
    if kind == FieldType.CHOICE and not choices:
        return None, _("Give the new field's choices, one per line.")
    for text in (label, *choices):
        problem = limits.text_problem(text, False, 300)
        if problem is not None:
            return None, str(problem)
    return {
        "label": label,
        "type": kind,
        "required": "new-required" in request.form,
        "choices": choices,
    }, None


@bp.route("/curriculum/<slug>/fields", methods=["GET", "POST"])
@login_required
def edit_fields(slug: str) -> str | Response | tuple[str, int]:
    current, draft = editable_module(slug)
    form = ActionForm()
    context = editor_context(slug, current, draft)
    fields = context["data"].get("fields") or []
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        changes, errors = _structure_changes(fields)
        new_field, problem = _new_field()
        if problem:
            errors["new"] = problem
        if not errors:
            data = editing.restructure(context["data"], changes, new_field)
            if _save(current, draft, data):
                flash(_("The draft is saved. Fellows see it once it is published."), "success")
            return redirect(url_for(".edit_fields", slug=slug))
    return render_template(
        "curriculum/edit_fields.html",
        form=form,
        fields=fields,
        errors=errors,
        type_labels=FIELD_TYPE_LABELS,
        addable=editing.ADDABLE_TYPES,
        **context,
    ), 400 if errors else 200


# --- publishing --------------------------------------------------------------------------------------------


@bp.route("/curriculum/<slug>/publish", methods=["GET", "POST"])
@login_required
def publish_module(slug: str) -> str | Response | tuple[str, int]:
    current, draft = editable_module(slug)
    if draft is None:
        flash(_("There is no draft to publish: edit the module first."), "error")
        return redirect(url_for(".edit_module", slug=slug))
    form = PublishForm()
    context = editor_context(slug, current, draft)
    if request.method == "POST" and form.validate_on_submit() and not context["problems"]:
        try:
            outcome = services.publish(
                draft, current_user.id, bool(form.substantive.data), form.change_note.data or "", _edits()
            )
            db.session.commit()
        except services.EditorError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for(".publish_module", slug=slug))  # the draft may be gone meanwhile
        except IntegrityError:  # another editor published the same new module at the same moment
            db.session.rollback()
            flash(_("Someone else published this module at the same moment. Reload the page."), "error")
            return redirect(url_for(".publish_module", slug=slug))
        else:
            flash(
                _(
                    "Version %(version)d is published. Open drafts moved to it: %(moved)d; open drafts that "
                    "stay on their version: %(kept)d.",
                    version=outcome.module.version,
                    moved=outcome.moved,
                    kept=outcome.kept,
                ),
                "success",
            )
            return redirect(url_for(".edit_module", slug=slug))
    preview = services.Preview(0, [])
    if context["checked"] is not None:
        preview = services.preview_publication(slug, context["checked"].fields)
    # Fellows are named only to the staff of their own cohort; other cohorts' fellows are counted.
    mine = (
        None
        if is_admin(current_user)
        else {cohort.id for cohort in db.session.scalars(facilitated_cohorts(current_user.id))}
    )
    return render_template(
        "curriculum/publish_module.html",
        form=form,
        usage=db.session.execute(queries.module_usage(slug)).all(),
        moving=preview.moving,
        staying=[
            (sheet, misfits, mine is None or sheet.cohort_id in mine) for sheet, misfits in preview.staying
        ],
        next_version=(current.version + 1) if current else 1,
        **context,
    ), 400 if form.errors or request.method == "POST" else 200


@bp.route("/curriculum/<slug>/discard", methods=["POST"])
@login_required
def discard_draft(slug: str) -> Response:
    current, draft = editable_module(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    if draft is not None:
        stored = services.discard_draft(draft, published=current is not None)
        db.session.commit()
        for name in stored:
            resources.forget_file(name)
        flash(_("The draft is discarded."), "success")
    if current is None:
        return redirect(url_for(".library"))
    return redirect(url_for(".edit_module", slug=slug))


# --- YAML export and import --------------------------------------------------------------------------------


@bp.route("/curriculum/<slug>/export.yaml")
@login_required
def export_module(slug: str) -> Response:
    current, draft = editable_module(slug)
    if request.args.get("draft") and draft is not None:
        data = editing.from_storage(draft.data)
    elif current is not None:
        data = loader.as_data(current)
    else:
        abort(404)
    response = current_app.response_class(loader.dump_yaml(data), mimetype="application/yaml")
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}.yaml"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/curriculum/import", methods=["POST"])
@login_required
def import_module() -> Response | tuple[str, int]:
    """A module's YAML becomes the draft of that module (replacing a draft in progress) or of a new one."""
    kinds = editable_kinds()
    require(kinds is None or bool(kinds))
    form = ImportForm()
    if not form.validate_on_submit():
        abort(400)
    upload = form.upload.data
    raw = b""
    if upload:
        try:
            raw = upload.read(IMPORT_MAX_BYTES + 1)
        finally:
            upload.close()
    problems: list[str] = []
    if not raw:
        problems.append(_("Choose a module file to import."))
    elif len(raw) > IMPORT_MAX_BYTES:
        problems.append(_("The file is larger than %(n)d KB.", n=IMPORT_MAX_BYTES // 1024))
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(_("The file is not UTF-8 text."))
        else:
            data = loader.parse_yaml(text, problems)
            module = loader.check_data(data, problems) if data is not None else None
            if module is not None and not may_edit(module.program_kind):
                problems.append(_("You may not edit the modules of this program kind."))
            if not problems and module is not None:
                try:
                    services.import_draft(module, current_user.id)
                except services.EditorError as error:
                    problems.append(str(error))
                else:
                    db.session.commit()
                    flash(_("The file is imported as a draft. Check it, then publish it."), "success")
                    return redirect(url_for(".edit_module", slug=module.slug))
    return render_template("curriculum/import_problems.html", problems=problems), 400


# --- who may edit ------------------------------------------------------------------------------------------


@bp.route("/curriculum/editors", methods=["GET", "POST"])
@admin_required
def editors() -> str | Response | tuple[str, int]:
    form = EditorGrantForm()
    people = db.session.scalars(queries.facilitators()).all()
    form.user_id.choices = [(person.id, f"{person.name} <{person.email}>") for person in people]
    form.program_kind.choices = [(kind.value, str(label)) for kind, label in PROGRAM_KIND_LABELS.items()]
    if form.validate_on_submit():
        try:
            services.grant_editor(form.user_id.data, form.program_kind.data, current_user.id)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            form.user_id.errors = [_("This person already edits the modules of this program kind.")]
        else:
            flash(_("The facilitator can now edit the modules of this program kind."), "success")
            return redirect(url_for(".editors"))
    return render_template(
        "curriculum/editors.html",
        form=form,
        rows=db.session.execute(queries.editors()).all(),
        kind_labels={kind.value: label for kind, label in PROGRAM_KIND_LABELS.items()},
        remove_form=ActionForm(),
    ), 400 if form.errors else 200


@bp.route("/curriculum/editors/<int:editor_id>/remove", methods=["POST"])
@admin_required
def remove_editor(editor_id: int) -> Response:
    editor = db.get_or_404(CurriculumEditor, editor_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.remove_editor(editor, current_user.id)
    db.session.commit()
    flash(_("The facilitator no longer edits these modules."), "success")
    return redirect(url_for(".editors"))


# --- home: where an editor starts ------------------------------------------------------------------------


def _editor_block(viewer: home.Viewer) -> dict[str, Any] | None:
    """For facilitators who are curriculum editors: a way into the library, with the drafts in progress of
    the kinds they edit. One query, none for people who facilitate nothing (editors are facilitators)."""
    if viewer.is_admin or not viewer.cohorts_as(Role.FACILITATOR):
        return None  # administrators reach the library from the main menu
    rows = db.session.execute(queries.editor_drafts(viewer.user.id)).all()
    if not rows:
        return None
    return {
        "kinds": [PROGRAM_KIND_LABELS[ProgramKind(kind)] for kind, _n in rows],
        "drafts": sum(count for _kind, count in rows),
    }


home.register(home.HomeBlock("curriculum_editing", "curriculum/home_editor.html", 40, _editor_block))
