/* Process diagram (工单流程图).
 *
 * Reads the process definition embedded in the page as JSON (<script id="process-def" type="application/json">,
 * written by Django's json_script: {initial, current, states: [{key, title, kind, final}],
 * transitions: [{key, title, from: [...], to, system}]}), builds a Mermaid flowchart from it and renders it
 * with the vendored mermaid into every element with class "gd-diagram". Nothing is rendered on the server.
 * The initial state gets an arrow from a start dot, final states are drawn as stadiums with a thick border,
 * transitions fired by the system (approval decisions) are dotted, and the ticket's current state is filled.
 */
(function () {
  'use strict';

  // Mermaid label text goes inside double quotes; entity-code what could end or confuse a label.
  var ENTITIES = { '"': '#quot;', '#': '#35;', '<': '#lt;', '>': '#gt;', '&': '#amp;' };

  function label(text) {
    return '"' + String(text || '').replace(/["#<>&]/g, function (c) { return ENTITIES[c]; }) + '"';
  }

  function nodeId(key) {
    // State keys are slugs ([a-z][a-z0-9_]*); the prefix keeps them clear of Mermaid keywords such as "end".
    return 's_' + key;
  }

  function buildDefinition(def) {
    var lines = ['flowchart TD'];
    var finals = [];
    lines.push('  gd_start((" "))');
    def.states.forEach(function (state) {
      var text = label(state.title);
      if (state.final) {
        finals.push(nodeId(state.key));
        lines.push('  ' + nodeId(state.key) + '([' + text + '])');
      } else {
        lines.push('  ' + nodeId(state.key) + '(' + text + ')');
      }
    });
    lines.push('  gd_start --> ' + nodeId(def.initial));
    def.transitions.forEach(function (transition) {
      var arrow = transition.system ? ' -.->|' : ' -->|';
      transition.from.forEach(function (from) {
        lines.push('  ' + nodeId(from) + arrow + label(transition.title) + '| ' + nodeId(transition.to));
      });
    });
    lines.push('  classDef start fill:#182433,stroke:#182433,color:#182433;');
    lines.push('  classDef final stroke-width:3px;');
    lines.push('  classDef current fill:#066fd1,stroke:#0554a0,color:#ffffff,font-weight:bold;');
    lines.push('  class gd_start start;');
    if (finals.length) {
      lines.push('  class ' + finals.join(',') + ' final;');
    }
    if (def.current) {
      lines.push('  class ' + nodeId(def.current) + ' current;');
    }
    return lines.join('\n');
  }

  function render() {
    var targets = document.querySelectorAll('.gd-diagram');
    if (!targets.length) {
      return;
    }
    var source = document.getElementById(targets[0].getAttribute('data-process-def') || 'process-def');
    if (!source || !window.mermaid) {
      return;
    }
    var text = buildDefinition(JSON.parse(source.textContent));
    window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'neutral' });
    targets.forEach(function (target, index) {
      window.mermaid
        .render('gd-diagram-svg-' + index, text)
        .then(function (result) {
          target.innerHTML = result.svg;
          target.setAttribute('data-rendered', 'true');
        })
        .catch(function (error) {
          target.textContent = String(error && error.message ? error.message : error);
          target.setAttribute('data-rendered', 'error');
        });
    });
  }

  window.gongdanDiagram = { buildDefinition: buildDefinition, render: render };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', render);
  } else {
    render();
  }
})();
