"""The Collected tab's callbacks: thin wrappers that find out who is looking (the admin's session cookie,
else the visitor's) and hand plain values to the bodies in gallery.py, scores.py, inspector.py and admin.py.

Everything is read again when the tab is opened, after a deletion and after a sign-in or out. A
database that cannot be reached leaves the page as it was and says so.
"""

from dash import ALL, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from dashboard.access import viewer_is_admin
from dashboard.components.choices import DIGIT_CHOICES, register_choice_group
from dashboard.tabs.collected import admin, gallery, ids, inspector, scores
from dashboard.tabs.collected.gallery import WHICH_CHOICES
from store import StoreUnavailable, Viewer


def viewer_of(services):
    """Who is looking: the admin (signed in on this tab), or the visitor by their cookie (None: no id yet)."""
    if viewer_is_admin(services.admin_sessions):
        return Viewer.admin()
    return Viewer.of(services.visitors.current())


def register_callbacks(app, services):
    from dashboard.page import tab_id   # the page imports the tabs: import it once they are all there
    from dashboard.tabs.collected import TAB

    opened_tab = Input(tab_id(TAB), "n_clicks")
    database, reader, sessions = services.drawings, services.reader, services.admin_sessions
    readings = scores.RememberedReadings(reader.probabilities)
    for filter_id in (ids.LABEL_FILTER, ids.ANSWER_FILTER):
        register_choice_group(app, filter_id, [value for value, _ in DIGIT_CHOICES])
    register_choice_group(app, ids.WHICH, [value for value, _ in WHICH_CHOICES])
    ids.PANEL.register_callbacks(app, services.reader)

    @app.callback(
        output={"who": Output(ids.WHO, "children"), "form_hidden": Output(ids.SIGN_IN_FORM, "hidden"),
                "signed_in_hidden": Output(ids.SIGNED_IN, "hidden"), "stats": Output(ids.STATS, "children"),
                "summary": Output(ids.SUMMARY, "children"), "figure": Output(ids.CONFUSION, "figure"),
                "scores_hidden": Output(ids.SCORES, "hidden")},
        inputs={"opened": opened_tab, "changed": Input(ids.CHANGED, "data"), "session": Input(ids.SESSION, "data")},
    )
    def update_overview(opened, changed, session):
        signed_in = viewer_is_admin(sessions)
        view = admin.who_sees_what(sessions, signed_in)
        try:
            view |= scores.update_scores(database, viewer_of(services), readings)
        except StoreUnavailable:
            view |= {key: no_update for key in scores.OUTPUT_KEYS} | {"summary": inspector.UNAVAILABLE}
        return view

    @app.callback(
        output={"title": Output(ids.GALLERY_TITLE, "children"), "gallery": Output(ids.GALLERY, "children"),
                "paging": Output(ids.PAGING, "data"), "older_hidden": Output(ids.OLDER, "hidden"),
                "newest_hidden": Output(ids.NEWEST, "hidden")},
        inputs={"label": Input(ids.LABEL_FILTER, "data"), "answer": Input(ids.ANSWER_FILTER, "data"),
                "which": Input(ids.WHICH, "data"), "older": Input(ids.OLDER, "n_clicks"),
                "newest": Input(ids.NEWEST, "n_clicks"), "changed": Input(ids.CHANGED, "data"),
                "session": Input(ids.SESSION, "data"), "opened": opened_tab},
        state={"paging": State(ids.PAGING, "data")},
    )
    def update_gallery(label, answer, which, older, newest, changed, session, opened, paging):
        try:
            return gallery.update_gallery(database, viewer_of(services), label, answer, which, paging,
                                          ctx.triggered_id)
        except StoreUnavailable:
            return {key: no_update for key in gallery.OUTPUT_KEYS} | {"title": inspector.UNAVAILABLE}

    @app.callback(
        output={**ids.PANEL.outputs(),
                "title": Output(ids.INSPECTOR_TITLE, "children"),
                "details": Output(ids.INSPECTOR_DETAILS, "children"),
                "message": Output(ids.INSPECTOR_MESSAGE, "children"),
                "opened": Output(ids.OPENED, "data"),
                "confirm_hidden": Output(ids.CONFIRM, "hidden"),
                "delete_hidden": Output(ids.DELETE, "hidden"),
                "changed": Output(ids.CHANGED, "data")},
        inputs={"clicks": Input({"type": ids.THUMBNAIL, "index": ALL}, "n_clicks"), **ids.PANEL.inputs(),
                "delete": Input(ids.DELETE, "n_clicks"), "confirm": Input(ids.CONFIRM_DELETE, "n_clicks"),
                "cancel": Input(ids.CANCEL_DELETE, "n_clicks")},
        state={"opened": State(ids.OPENED, "data"), "changed": State(ids.CHANGED, "data")},
        prevent_initial_call=True,
    )
    def inspect_drawing(clicks, method, chosen_bar, delete, confirm, cancel, opened, changed):
        trigger = ctx.triggered_id
        # A gallery redrawn with new thumbnails fires this too, with no click behind it.
        if isinstance(trigger, dict) and trigger.get("type") == ids.THUMBNAIL and not ctx.triggered[0]["value"]:
            raise PreventUpdate
        return inspector.inspect_drawing(reader, database, viewer_of(services), method, opened, changed, trigger,
                                         chosen_bar)

    @app.callback(
        output={"message": Output(ids.ADMIN_MESSAGE, "children"), "token": Output(ids.TOKEN, "value"),
                "session": Output(ids.SESSION, "data")},
        inputs={"sign_in": Input(ids.SIGN_IN, "n_clicks"), "submit": Input(ids.TOKEN, "n_submit"),
                "sign_out": Input(ids.SIGN_OUT, "n_clicks")},
        state={"token": State(ids.TOKEN, "value"), "session": State(ids.SESSION, "data")},
        prevent_initial_call=True,
    )
    def sign_in_or_out(sign_in, submit, sign_out, token, session):
        if not ctx.triggered[0]["value"]:
            raise PreventUpdate
        return admin.sign_in_or_out(sessions, token, session, ctx.triggered_id)
