/* The customer's signature on the engineer's tablet or phone (SD-04): a canvas drawn with the finger, a stylus
   or the mouse (pointer events), sent as a PNG data URL in the form's hidden "image" field.

   Markup: <form data-gd-signature> with <canvas data-gd-signature-canvas>, <input type=hidden name=image>,
   a [data-gd-signature-clear] button and an element [data-gd-signature-empty] shown when nothing is drawn. */
(function () {
  'use strict';

  function setUp(form) {
    var canvas = form.querySelector('[data-gd-signature-canvas]');
    var field = form.querySelector('input[name=image]');
    var empty = form.querySelector('[data-gd-signature-empty]');
    var context = canvas.getContext('2d');
    var drawn = false;
    var last = null;

    function paper() {
      // The backing store follows the element's size and the screen's pixel ratio, so strokes stay sharp.
      var ratio = window.devicePixelRatio || 1;
      var box = canvas.getBoundingClientRect();
      canvas.width = Math.max(1, Math.round(box.width * ratio));
      canvas.height = Math.max(1, Math.round(box.height * ratio));
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, box.width, box.height);
      context.lineWidth = 2.5;
      context.lineCap = 'round';
      context.lineJoin = 'round';
      context.strokeStyle = '#0b1f4d';
      drawn = false;
      field.value = '';
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }

    canvas.addEventListener('pointerdown', function (event) {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      last = point(event);
      context.beginPath();
      context.arc(last.x, last.y, context.lineWidth / 2, 0, Math.PI * 2);
      context.fillStyle = context.strokeStyle;
      context.fill();
      drawn = true;
    });
    canvas.addEventListener('pointermove', function (event) {
      if (last === null) { return; }
      event.preventDefault();
      var next = point(event);
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(next.x, next.y);
      context.stroke();
      last = next;
    });
    function stop() { last = null; }
    canvas.addEventListener('pointerup', stop);
    canvas.addEventListener('pointercancel', stop);
    canvas.addEventListener('pointerleave', stop);

    form.querySelector('[data-gd-signature-clear]').addEventListener('click', function () {
      paper();
      if (empty) { empty.hidden = true; }
    });

    form.addEventListener('submit', function (event) {
      if (!drawn) {
        event.preventDefault();
        if (empty) { empty.hidden = false; }
        return;
      }
      field.value = canvas.toDataURL('image/png');
    });

    paper();
  }

  document.querySelectorAll('form[data-gd-signature]').forEach(setUp);
})();
