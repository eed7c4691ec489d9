// Our plotly.js: the traces the dashboard draws (dashboard/components/figures.py; scatter comes with the core),
// and charts drawn one frame apart. A figure with another trace type draws nothing:
// tests/web/test_plotly_bundle.py checks every figure the tabs lay out.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/scattergl')
]);

// Dash's graphs all call Plotly.react the moment Plotly has loaded, so a newly shown tab drew its six charts
// in one long task and showed none of them until the last was done (the map alone takes 0.3-0.5 s on a
// software-rendered WebGL). Charts asked for together now queue, and each is drawn a frame after the one
// before: each shows as soon as it is drawn, and the page answers input in between.
// The chart a tab is opened for (a dcc.Graph with the class "draw-first": the map) is drawn before the others
// queued with it. Which graph asked first was a race, and a map drawn after the confusion matrix showed
// 0.3 s later.
var react = Plotly.react;
var waiting = [];
var drawing = false;

function afterNextFrame(callback) {
    var called = false;
    function once() {
        if (!called) {
            called = true;
            setTimeout(callback, 0);
        }
    }
    requestAnimationFrame(once);
    setTimeout(once, 100);      // a hidden page has no frames
}

function drawsFirst(entry) {
    var graph = entry.args[0];
    return Boolean(graph && graph.closest && graph.closest('.draw-first'));
}

function drawNext() {
    if (!waiting.length) {
        drawing = false;
        return;
    }
    var chosen = Math.max(0, waiting.findIndex(drawsFirst));
    var next = waiting.splice(chosen, 1)[0];
    try {
        var graph = next.args[0];
        // A graph taken off the page while it waited is not drawn.
        next.resolve(graph && graph.isConnected === false ? graph : react.apply(Plotly, next.args));
    } catch (error) {
        next.reject(error);
    }
    afterNextFrame(drawNext);
}

Plotly.react = function () {
    var args = arguments;
    return new Promise(function (resolve, reject) {
        waiting.push({args: args, resolve: resolve, reject: reject});
        if (!drawing) {
            drawing = true;
            // The graphs waiting for Plotly all ask as one commit of React's: let them queue before one is
            // chosen (a task later, Dash's own work would come first).
            queueMicrotask(drawNext);
        }
    });
};

module.exports = Plotly;
