/* The Digit Reader's browser side: live classification for the drawing pad, and the small
 * clientside callbacks (brush size, tab switching) that need no round trip to the server.
 *
 * dash-canvas sends its drawing to Dash only from its own save button (labelled "Classify"
 * here), so this presses that button whenever a stroke ends, by mouse or touch, and after undo
 * or redo. react-sketch keeps the white background image in its undo history too (undoing it
 * would strip the paper) and throws on undo with an empty history, so undo stops at the strokes.
 */
(function () {
  "use strict";

  var PAD_FRAME = ".pad-frame";
  var strokeOnPad = null;   // the upper canvas a stroke began on, until it ends

  function saveButton(element) {
    var frame = element.closest(PAD_FRAME);
    return frame && frame.querySelector('button[title="Save"]');
  }

  function classifySoon(element) {
    var button = saveButton(element);
    // Next turn: fabric.js adds the finished path (or undo/redo changes it) in its own handler first.
    if (button) { setTimeout(function () { button.click(); }, 0); }
  }

  function startStroke(event) {
    var target = event.target;
    if (target && target.matches && target.matches(PAD_FRAME + " canvas.upper-canvas")) { strokeOnPad = target; }
  }

  function endStroke() {
    if (strokeOnPad) {
      var pad = strokeOnPad;
      strokeOnPad = null;
      if (document.contains(pad)) { classifySoon(pad); }
    }
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
    var sketch = sketchOf(button);
    if (sketch && !(button.title === "Undo" ? canUndoStroke(sketch) : sketch.canRedo())) {
      event.stopPropagation();   // before React sees it: nothing to undo (or redo)
      return;
    }
    classifySoon(button);
  }

  document.addEventListener("mousedown", startStroke, true);
  document.addEventListener("touchstart", startStroke, {capture: true, passive: true});
  document.addEventListener("mouseup", endStroke, true);
  document.addEventListener("touchend", endStroke, true);
  document.addEventListener("touchcancel", endStroke, true);
  document.addEventListener("click", undoOrRedo, true);

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    digitReader: {
      brushWidth: function (width) { return width; },
      // One class per page, in the order of the callback's outputs (the page ids come with them).
      showPage: function (page) {
        return dash_clientside.callback_context.outputs_list.map(function (output) {
          return output.id === page ? "tab-page" : "tab-page hidden";
        });
      }
    }
  });
})();
