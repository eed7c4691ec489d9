"""The Collected tab's layout: whose drawings (and the admin's sign-in), how the current model does on them,
the gallery with its filters, and the inspector."""

from dash import dcc, html

from dashboard.components import figures
from dashboard.components.choices import DIGIT_CHOICES, choice_group
from dashboard.tabs.collected import admin, ids
from dashboard.tabs.collected.gallery import WHICH_CHOICES
from dashboard.tabs.collected.inspector import EMPTY_TITLE, EMPTY_VERDICT

# The export: the admin's download links, which the session cookie opens (dashboard/api/drawings.py).
EXPORTS = (("api/drawings/export?format=idx", "Download as MNIST IDX files (zip)"),
           ("api/drawings/export?format=npz", "Download as NumPy .npz"))
# The matrix is for looking at: its counts are written in the cells, and a click would filter by the
# answer when saved, not the current model's.
STATIC_GRAPH = {**figures.GRAPH_CONFIG, "staticPlot": True}


def layout(services):
    configured = services.admin is not None and services.admin.configured
    return html.Div(className="tab-body", children=[
        html.Section(className="card collected-who", **{"aria-labelledby": "collected-who-title"}, children=[
            html.H2("Whose drawings", id="collected-who-title"),
            html.P(admin.VISITOR, id=ids.WHO),
            html.P(admin.NO_ADMIN, id=ids.NO_ADMIN, className="hint", hidden=configured),
            html.Div(id=ids.SIGN_IN_FORM, className="sign-in", hidden=not configured, children=[
                html.Label("Admin token", htmlFor=ids.TOKEN, className="control-label"),
                dcc.Input(id=ids.TOKEN, type="password", value="", autoComplete="off", debounce=False,
                          className="token-input"),
                html.Button("Sign in", id=ids.SIGN_IN, n_clicks=0, type="button", className="button"),
            ]),
            html.Div(id=ids.SIGNED_IN, className="signed-in", hidden=True, children=[
                *(html.A(text, href=href, className="button") for href, text in EXPORTS),
                html.Button("Sign out", id=ids.SIGN_OUT, n_clicks=0, type="button", className="button secondary"),
            ]),
            html.Div(id=ids.ADMIN_MESSAGE, className="collected-status", role="status"),
            dcc.Store(id=ids.SESSION, data=0),
        ]),
        html.Div(id=ids.STATS, className="stats collected-stats"),
        html.Div(className="collected-grid", children=[
            html.Section(className="card", **{"aria-labelledby": ids.GALLERY_TITLE}, children=[
                html.H2("Saved drawings", id=ids.GALLERY_TITLE),
                html.P("Newest first. Each shows what the model saw, the digit it is (as its author said) and, "
                       "under it, what the model read when it was saved: blue where they agree, red where not.",
                       className="hint"),
                html.Div(className="filters", children=[
                    choice_group(ids.LABEL_FILTER, "Labelled", DIGIT_CHOICES, None, class_name="digit-filter"),
                    choice_group(ids.ANSWER_FILTER, "Read as", DIGIT_CHOICES, None, class_name="digit-filter"),
                    choice_group(ids.WHICH, "Show", WHICH_CHOICES, "all", class_name="order"),
                ]),
                # A click on a thumbnail moves the focus to the inspector (assets/digit_reader.js).
                html.Div(id=ids.GALLERY, className="gallery collected-gallery", **{"data-inspector": ids.INSPECTOR}),
                html.Div(className="pager", children=[
                    html.Button("Newest drawings", id=ids.NEWEST, n_clicks=0, type="button", hidden=True,
                                className="button secondary"),
                    html.Button("Older drawings", id=ids.OLDER, n_clicks=0, type="button", hidden=True,
                                className="button secondary"),
                ]),
                dcc.Store(id=ids.PAGING, data={"before": None, "next": None}),
            ]),
            html.Section(id=ids.INSPECTOR, className="card", **{"aria-labelledby": ids.INSPECTOR_TITLE}, children=[
                html.H2(EMPTY_TITLE, id=ids.INSPECTOR_TITLE),
                html.P("", id=ids.INSPECTOR_DETAILS, className="hint"),
                html.Div(id=ids.INSPECTOR_MESSAGE, className="collected-status", role="status"),
                ids.PANEL.layout(EMPTY_VERDICT),
                html.Div(className="delete-row", children=[
                    html.Button("Delete this drawing", id=ids.DELETE, n_clicks=0, type="button", hidden=True,
                                className="button danger"),
                    html.Div(id=ids.CONFIRM, className="confirm", hidden=True, children=[
                        html.Span("Delete it for good? This cannot be undone."),
                        html.Button("Yes, delete it", id=ids.CONFIRM_DELETE, n_clicks=0, type="button",
                                    className="button danger"),
                        html.Button("Keep it", id=ids.CANCEL_DELETE, n_clicks=0, type="button", className="button"),
                    ]),
                ]),
                dcc.Store(id=ids.OPENED),
                dcc.Store(id=ids.CHANGED, data=0),
            ]),
        ]),
        html.Section(id=ids.SCORES, className="card", hidden=True, **{"aria-labelledby": "collected-scores-title"},
                     children=[
            html.H2("The current model on these drawings", id="collected-scores-title"),
            html.P(id=ids.SUMMARY),
            html.P("Rows: the digit it is; columns: what the model running now reads. Correct readings are on "
                   "the diagonal.", className="hint"),
            dcc.Graph(id=ids.CONFUSION, figure=figures.confusion_figure([[0] * 10] * 10), config=STATIC_GRAPH),
        ]),
    ])
