/* The Digit Reader's browser side: what needs no round trip to the server.
 *
 * - The pad's strokes: dash-canvas (fabric.js) draws the ink; this records the pointer's path on the pad
 *   in pad pixels and, the moment a stroke ends, posts every stroke with its brush width for the live
 *   reading and puts the answer on the page (the wiring is in the pad frame's data attributes:
 *   dashboard/components/drawing_pad.py). Sending the strokes ourselves, before fabric.js finishes its own
 *   work on the stroke and without Dash's callback machinery, is what makes the answer fast.
 *   Undo and redo move strokes between the drawing and a redo list; Clear empties both and remounts the
 *   pad. react-sketch keeps the white background image in its undo history too (undoing it would strip
 *   the paper) and throws on undo with an empty history, so undo stops at the strokes.
 * - Tabs: arrow keys, Home and End move between them (WAI-ARIA tabs pattern).
 * - Clientside callbacks: the brush width, which tab shows, choice groups, confusion-cell filters.
 */
(function () {
  "use strict";

  var PAD_FRAME = ".pad-frame";
  var drawings = {};        // pad frame id -> {strokes: [[[x, y], ...]], widths: [w], undone: [[points, w]]}
  var stroke = null;        // the stroke being drawn: {frame, canvas, points, width}

  function drawingOf(frame) {
    return drawings[frame.id] || (drawings[frame.id] = {strokes: [], widths: [], undone: []});
  }

  var asked = 0;             // answers to an older drawing than the last one sent are dropped
  var mapWanted = 0;         // the drawing whose costly map may still land; 0 once a bar, card or method asked for another

  var unsent = null;          // the strokes store's next data, not yet set: {frame, data}

  // The drawing changed: post it for the live reading (dashboard/tabs/draw/live.py) and put the answer on
  // the page; then keep the strokes store in step for the callbacks that read it later. The store is set
  // once the answer is on the page: the Dash callbacks it fires (the feedback buttons') would otherwise
  // take the page's and the machine's time while the answer is being worked out. A click or a key press
  // sets it at once, before any callback it fires reads the store.
  function changed(frame) {
    var drawing = drawingOf(frame);
    var data = {strokes: drawing.strokes.slice(), widths: drawing.widths.slice()};
    var pressed = document.querySelector('[id^="' + frame.dataset.method + '--"][aria-pressed="true"]');
    var method = pressed ? JSON.parse(pressed.dataset.value) : null;
    var body = {strokes: data, method: method};
    var request = ++asked;
    var answered;
    if (method === "vanilla" || !data.strokes.length) {     // an empty pad has no map to wait for
      answered = read(frame, request, body);
    } else {
      // A costly saliency map is asked for beside the verdict, so it does not hold the verdict back; it
      // lands after the verdict, which says the map is on its way.
      mapWanted = request;
      answered = read(frame, request, Object.assign({part: "verdict"}, body));
      read(frame, request, Object.assign({part: "map"}, body), answered);
    }
    unsent = {frame: frame, data: data};
    answered.then(function () { sendStrokes(); });
  }

  function sendStrokes(event) {
    // The click that ends a stroke on the pad is no reason to hurry.
    var target = event && event.target;
    if (target && target.closest && target.closest(PAD_FRAME + " canvas")) { return; }
    if (unsent) {
      window.dash_clientside.set_props(unsent.frame.dataset.strokes, {data: unsent.data});
      unsent = null;
    }
  }

  // Post the drawing for the live reading and put its answer on the page (once ``after`` has landed),
  // unless a newer drawing was sent.
  function read(frame, request, body, after) {
    return fetch(frame.dataset.readingUrl, {
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)
    }).then(function (response) {
      return Promise.all([response.json(), after]).then(function (answered) {
        var answer = answered[0];
        var current = function () { return request === asked && (body.part !== "map" || request === mapWanted); };
        if (!current()) { return null; }
        if (!response.ok) { throw new Error(answer.error ? answer.error.message : "the server said " + response.status); }
        return apply(answer.outputs, (frame.dataset.first || "").split(" "), current).then(function () {
          return answer;
        });
      });
    }).catch(function (error) {
      if (request === asked) {
        window.dash_clientside.set_props(frame.dataset.message, {children: "Could not read that: " + error.message});
      }
      return null;
    });
  }

  // A bar, a digit card or a saliency method chosen while the drawing's map is on its way asks the Draw tab's
  // callback for another explanation: the map on its way, for the drawing's own answer, must not land over it.
  function supersedeMap(event) {
    var target = event.target;
    if (!target.closest) { return; }
    var methodButton = target.closest('[role="group"] button[id]');
    var isMethod = methodButton && Array.prototype.some.call(document.querySelectorAll(PAD_FRAME), function (frame) {
      return methodButton.id.indexOf(frame.dataset.method + "--") === 0;
    });
    if (isMethod || target.closest("[data-chosen] [data-choice]")) { mapWanted = 0; }
  }

  // Put an answer's updates on the page: those for the ids in ``first`` (the digit and its verdict) at once,
  // the rest a frame later, unless ``current()`` says a newer answer came meanwhile. Each Dash update costs a
  // pass over every mounted component, and the digit showed only once all of them were done.
  function apply(updates, first, current) {
    var now = updates.filter(function (update) { return first.indexOf(update.id) >= 0; });
    var later = updates.filter(function (update) { return first.indexOf(update.id) < 0; });
    if (!now.length || !later.length) {
      setProps(updates);
      return Promise.resolve();
    }
    setProps(now);
    return new Promise(function (resolve) {
      afterNextFrame(function () {
        if (current()) { setProps(later); }
        resolve();
      });
    });
  }

  function setProps(updates) {
    var byComponent = {};
    updates.forEach(function (update) {
      var key = JSON.stringify(update.id);
      (byComponent[key] = byComponent[key] || {id: update.id, props: {}}).props[update.property] = update.value;
    });
    Object.keys(byComponent).forEach(function (key) {
      window.dash_clientside.set_props(byComponent[key].id, byComponent[key].props);
    });
  }

  // After the next frame is painted (a hidden page has no frames: then after 100 ms).
  function afterNextFrame(callback) {
    var called = false;
    function once() {
      if (!called) {
        called = true;
        setTimeout(callback, 0);
      }
    }
    requestAnimationFrame(once);
    setTimeout(once, 100);
  }

  function padPoint(drawn, event) {
    var box = drawn.canvas.getBoundingClientRect();
    var scale = Number(drawn.frame.dataset.padWidth) / box.width;   // the pad may be scaled to fit a phone
    return [Math.round((event.clientX - box.left) * scale * 10) / 10,
            Math.round((event.clientY - box.top) * scale * 10) / 10];
  }

  function brushWidth(frame) {
    var brush = document.getElementById(frame.dataset.brush);
    return brush ? Number(brush.value) : 20;
  }

  function startStroke(event) {
    var target = event.target;
    if (!(target && target.matches && target.matches(PAD_FRAME + " canvas.upper-canvas")) || !event.isPrimary) { return; }
    var frame = target.closest(PAD_FRAME);
    stroke = {frame: frame, canvas: target, points: [], width: brushWidth(frame)};
    stroke.points.push(padPoint(stroke, event));
  }

  function moveStroke(event) {
    if (stroke && event.isPrimary) { stroke.points.push(padPoint(stroke, event)); }
  }

  function endStroke(event) {
    if (!stroke || !event.isPrimary) { return; }
    var finished = stroke;
    stroke = null;
    if (event.type === "pointerup") { finished.points.push(padPoint(finished, event)); }
    if (!document.contains(finished.frame)) { return; }
    var drawing = drawingOf(finished.frame);
    drawing.strokes.push(finished.points);
    drawing.widths.push(finished.width);
    drawing.undone = [];
    changed(finished.frame);
  }

  // The react-sketch SketchField behind a pad element, found through React's fibre tree.
  function sketchOf(element) {
    var key = Object.keys(element).find(function (name) {
      return name.indexOf("__reactFiber$") === 0 || name.indexOf("__reactInternalInstance$") === 0;
    });
    for (var fibre = key ? element[key] : null; fibre; fibre = fibre["return"]) {
      if (fibre.stateNode && fibre.stateNode._sketch) { return fibre.stateNode._sketch; }
    }
    return null;
  }

  function canUndoStroke(sketch) {
    var current = sketch._history && sketch._history.getCurrent();   // [object, before, after] or null
    return Boolean(current && current[0] && current[0].type !== "image");
  }

  function undoOrRedo(event) {
    var button = event.target.closest && event.target.closest(
      PAD_FRAME + ' button[title="Undo"], ' + PAD_FRAME + ' button[title="Redo"]');
    if (!button) { return; }
    var frame = button.closest(PAD_FRAME);
    var drawing = drawingOf(frame);
    var sketch = sketchOf(button);
    var undo = button.title === "Undo";
    if (sketch && !(undo ? canUndoStroke(sketch) : sketch.canRedo())) {
      event.stopPropagation();   // before React sees it: nothing to undo (or redo)
      return;
    }
    if (undo && drawing.strokes.length) {
      drawing.undone.push([drawing.strokes.pop(), drawing.widths.pop()]);
    } else if (!undo && drawing.undone.length) {
      var redone = drawing.undone.pop();
      drawing.strokes.push(redone[0]);
      drawing.widths.push(redone[1]);
    }
    changed(frame);
  }

  function clear(event) {
    var button = event.target.closest && event.target.closest("[data-clears]");
    if (!button) { return; }
    var frame = document.getElementById(button.dataset.clears);
    if (!frame) { return; }
    drawings[frame.id] = {strokes: [], widths: [], undone: []};
    changed(frame);
    window.dash_clientside.set_props(frame.id, {key: "pad-" + Date.now()});   // a new key remounts the pad empty
  }

  // A probability bar or a digit card: its number (data-choice) goes to its row's store (data-chosen), which
  // asks why that class, or shows that digit. The buttons are redrawn with every reading, so they are not
  // Dash inputs themselves: new buttons would look like clicks to Dash.
  // A row with data-inspect (the nearest training digits) asks the inspecting tab to open the digit, and opens it.
  function chooseItem(event) {
    var item = event.target.closest && event.target.closest("[data-chosen] [data-choice]");
    if (!item) { return; }
    var row = item.closest("[data-chosen]");
    var value = Number(item.dataset.choice);
    window.dash_clientside.set_props(row.dataset.chosen, {data: row.dataset.inspect ? {set: row.dataset.inspect, index: value} : value});
    var inspecting = row.dataset.inspect && document.querySelector('[role="tab"][data-inspects]');
    if (!inspecting) { return; }
    if (inspecting.getAttribute("aria-selected") !== "true") { inspecting.click(); }
    focusInspectorOf(document.getElementById(inspecting.getAttribute("aria-controls")), 30);
  }

  // Move the focus to the inspector's heading in a tab panel, once the (lazily laid out) panel has one.
  function focusInspectorOf(panel, tries) {
    var gallery = panel && panel.querySelector("[data-inspector]");
    var inspector = gallery && document.getElementById(gallery.dataset.inspector);
    var heading = inspector && inspector.querySelector("h2");
    if (!heading) {
      if (tries > 0) { setTimeout(function () { focusInspectorOf(panel, tries - 1); }, 100); }
      return;
    }
    heading.tabIndex = -1;
    heading.focus({preventScroll: true});
    inspector.scrollIntoView({block: "start"});
  }

  // Inside the network: a click on a layer's channel maps, a layer button or a step button chooses the
  // channel to enlarge (dashboard/components/explanations.py).
  function chooseChannel(event) {
    var target = event.target;
    var holder = target.closest && target.closest("[data-channel-store]");
    if (!holder) { return; }
    var chosen = null;
    if (target.matches("img.sprite")) {
      var box = target.getBoundingClientRect();
      var tile = (Number(target.dataset.side) + 1) * box.width / target.naturalWidth;   // a map and its gap
      var column = Math.floor((event.clientX - box.left) / tile), row = Math.floor((event.clientY - box.top) / tile);
      var channel = row * Number(target.dataset.columns) + column;
      if (column < Number(target.dataset.columns) && channel < Number(target.dataset.channels)) {
        chosen = {layer: Number(target.dataset.layer), channel: channel};
      }
    } else if (target.closest("[data-choose-layer]")) {
      chosen = {layer: Number(target.closest("[data-choose-layer]").dataset.chooseLayer), channel: 0};
    } else if (target.closest("[data-step-channel]")) {
      var channels = Number(holder.dataset.channels);
      var next = Number(holder.dataset.channel) + Number(target.closest("[data-step-channel]").dataset.stepChannel);
      chosen = {layer: Number(holder.dataset.layer), channel: (next + channels) % channels};
    }
    if (chosen) { window.dash_clientside.set_props(holder.dataset.channelStore, {data: chosen}); }
  }

  function moveBetweenTabs(event) {
    var tab = event.target.closest && event.target.closest('[role="tab"]');
    if (!tab) { return; }
    var tabs = Array.prototype.slice.call(tab.parentNode.querySelectorAll('[role="tab"]'));
    var at = tabs.indexOf(tab);
    var next = {ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1}[event.key];
    if (next === undefined) { return; }
    event.preventDefault();
    var chosen = tabs[(next + tabs.length) % tabs.length];
    chosen.focus();
    chosen.click();
  }

  // react-sketch's canvases carry "Sorry, Canvas HTML5 element is not supported" as fallback text, which
  // screen readers read out: the drawing surface is an image named by the pad's label instead, and the
  // layer under it (the same drawing) is left out.
  function describePads() {
    document.querySelectorAll(PAD_FRAME).forEach(function (frame) {
      frame.querySelectorAll("canvas").forEach(function (canvas) {
        if (canvas.dataset.described) { return; }
        canvas.dataset.described = "true";
        canvas.textContent = "";
        if (canvas.classList.contains("upper-canvas")) {
          canvas.setAttribute("role", "img");
          canvas.setAttribute("aria-label", frame.getAttribute("aria-label"));
        } else {
          canvas.setAttribute("aria-hidden", "true");
        }
      });
    });
  }
  new MutationObserver(describePads).observe(document.documentElement, {childList: true, subtree: true});

  document.addEventListener("click", sendStrokes, true);      // first: before a click's own callbacks
  document.addEventListener("keydown", sendStrokes, true);
  document.addEventListener("pointerdown", startStroke, true);
  document.addEventListener("pointermove", moveStroke, true);
  document.addEventListener("pointerup", endStroke, true);
  document.addEventListener("pointercancel", endStroke, true);
  document.addEventListener("click", undoOrRedo, true);
  document.addEventListener("click", clear, true);
  document.addEventListener("click", supersedeMap, true);
  document.addEventListener("click", chooseItem, true);
  document.addEventListener("click", chooseChannel, true);
  document.addEventListener("keydown", moveBetweenTabs, true);

  // A tab with charts starts loading Plotly at its click, while its layout is on its way, rather than once
  // its graphs are mounted. dcc.Graph loads Plotly with `Promise.resolve(window.Plotly || <a script tag>)`:
  // the promise left in window.Plotly here is waited on, not loaded a second time, and the script replaces
  // it with Plotly itself.
  function loadPlotly() {
    if (window.Plotly || !window._dashPlotlyJSURL) { return; }
    var script = document.createElement("script");
    script.src = window._dashPlotlyJSURL;
    script.async = true;
    window.Plotly = new Promise(function (resolve, reject) {
      script.onload = function () { resolve(window.Plotly); };
      script.onerror = function (error) {
        window.Plotly = undefined;
        reject(error);
      };
    });
    document.body.appendChild(script);
  }

  function triggeredId() {
    var triggered = window.dash_clientside.callback_context.triggered || [];
    var prop = triggered.length ? triggered[0].prop_id : "";
    return prop.slice(0, prop.lastIndexOf("."));
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    digitReader: {
      brushWidth: function (width) { return Number(width); },

      // Outputs: each panel's class, each tab's aria-selected, each tab's tabIndex (tabs in the same order).
      showTab: function () {
        var outputs = window.dash_clientside.callback_context.outputs_list;
        var count = outputs.length / 3;
        var ids = outputs.slice(count, 2 * count).map(function (o) { return o.id; });
        // Two quick key presses can reach here as one call: the tab that has the focus is the one chosen.
        var focused = document.activeElement ? ids.indexOf(document.activeElement.id) : -1;
        var chosen = focused >= 0 ? focused : ids.indexOf(triggeredId());
        if (chosen < 0) { chosen = 0; }
        var button = document.getElementById(ids[chosen]);
        if (button && button.dataset.charts) { loadPlotly(); }
        var classes = [], selected = [], order = [];
        for (var i = 0; i < count; i++) {
          classes.push(i === chosen ? "tab-page" : "tab-page hidden");
          selected.push(String(i === chosen));
          order.push(i === chosen ? "0" : "-1");
        }
        return classes.concat(selected, order);
      },

      // A choice group (dashboard/components/choices.py): outputs the store, then each option's aria-pressed;
      // inputs each option's n_clicks, then the store. The values live in the buttons' data-value.
      choose: function () {
        var outputs = window.dash_clientside.callback_context.outputs_list;
        var store = arguments[arguments.length - 1];
        var trigger = triggeredId();
        var value = store;
        if (trigger && trigger !== outputs[0].id) {
          var clicked = document.getElementById(trigger);
          if (clicked) { value = JSON.parse(clicked.dataset.value); }
        }
        var pressed = outputs.slice(1).map(function (output) {
          var button = document.getElementById(output.id);
          return String(Boolean(button) && JSON.parse(button.dataset.value) === value);
        });
        return [value === store ? window.dash_clientside.no_update : value].concat(pressed);
      },

      // An explanation panel (dashboard/components/explanations.py) opens or closes: its store, aria-expanded, hidden.
      togglePanel: function (clicks, open) {
        return [!open, String(!open), Boolean(open)];
      },

      // The explanation panels' gate (explained, then each panel's open store): an open panel asks for the
      // current model input when it opens or the input changes; a closed one asks for nothing (no request at all).
      gatePanels: function (explained) {
        var context = window.dash_clientside.callback_context;
        var inputs = context.inputs_list.map(function (input) { return input.id + "." + input.property; });
        var fired = (context.triggered || []).map(function (t) { return inputs.indexOf(t.prop_id); });
        var everyPanel = fired.indexOf(0) >= 0 || fired.every(function (i) { return i < 0; });   // the input, or the first call
        return Array.prototype.slice.call(arguments, 1).map(function (open, panel) {
          if (!open || !(everyPanel || fired.indexOf(panel + 1) >= 0)) { return window.dash_clientside.no_update; }
          return explained ? Object.assign({}, explained, {asked: Date.now()}) : null;
        });
      },

      // A confusion-matrix click: its row is the true digit, its column the predicted one.
      cellFilters: function (click) {
        var point = click && click.points && click.points[0];
        var isDigit = function (v) { return typeof v === "number" && v >= 0 && v <= 9 && Math.floor(v) === v; };
        if (!point || !isDigit(point.x) || !isDigit(point.y)) {
          return [window.dash_clientside.no_update, window.dash_clientside.no_update];
        }
        return [point.y, point.x];
      }
    }
  });
})();

/* ---------------------------------------------------------------- Collected drawings (issue 12)
 * - The feedback under a reading (dashboard/components/feedback.py): its buttons are off while nothing is
 *   drawn, and a changed drawing brings them back (after a save they stay off until it changes) and clears
 *   the last word on saving.
 * - A gallery with data-inspector (the Collected tab's): opening a drawing moves the focus to the inspector
 *   (its heading), scrolled into view, so keyboard, screen-reader and phone users land on what opened.
 */
(function () {
  "use strict";

  function openInInspector(event) {
    var button = event.target.closest && event.target.closest("[data-inspector] button");
    if (!button) { return; }
    var inspector = document.getElementById(button.closest("[data-inspector]").dataset.inspector);
    var heading = inspector && inspector.querySelector("h2");
    if (!heading) { return; }
    heading.tabIndex = -1;
    heading.focus({preventScroll: true});
    var top = inspector.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight * 0.5) { inspector.scrollIntoView({block: "start", behavior: "smooth"}); }
  }
  document.addEventListener("click", openInInspector);

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    digitReaderFeedback: {
      // Outputs: each button's disabled (the tick, then the ten digits), then the message.
      ready: function (changed, drawing, disabledNow, message) {
        var buttons = window.dash_clientside.callback_context.outputs_list.length - 1;
        var blank = !(drawing && Array.isArray(drawing.strokes) && drawing.strokes.length);
        var disabled = [];
        for (var i = 0; i < buttons; i++) { disabled.push(disabledNow === blank ? window.dash_clientside.no_update : blank); }
        return disabled.concat([message ? "" : window.dash_clientside.no_update]);
      }
    }
  });
})();

/* ---------------------------------------------------------------- The map of the test set (issue 11)
 * A box or lasso on the map (dashboard/tabs/errors/) lists its digits in the gallery: their test indices (each
 * point's customdata) go to the selection store and the gallery shows the selection. A click on a point asks
 * the inspector to open that test digit (the page's inspect-request store) and moves the focus there, as
 * opening a thumbnail does. The server checks whatever arrives (a forged selection gets a polite message).
 */
(function () {
  "use strict";

  function indexOf(point) {
    var index = point && point.customdata;
    return typeof index === "number" && index >= 0 && Math.floor(index) === index ? index : null;
  }

  function focusInspector() {
    var heading = document.querySelector("#inspector h2");
    if (!heading) { return; }
    heading.tabIndex = -1;
    heading.focus({preventScroll: true});
    heading.scrollIntoView({block: "start", behavior: "smooth"});
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    digitReaderMap: {
      // Outputs: the selection store, then the gallery's "Show" store.
      mapSelection: function (selected) {
        var seen = {}, indices = [];
        ((selected && selected.points) || []).forEach(function (point) {
          var index = indexOf(point);
          if (index !== null && !seen[index]) { seen[index] = true; indices.push(index); }
        });
        return [indices, indices.length ? "selection" : window.dash_clientside.no_update];
      },

      mapClick: function (click) {
        var index = indexOf(click && click.points && click.points[0]);
        if (index === null) { return window.dash_clientside.no_update; }
        setTimeout(focusInspector, 0);
        return {set: "test", index: index};
      }
    }
  });
})();
