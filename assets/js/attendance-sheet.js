// "Mark all present" on the attendance sheet without reloading the page, so nothing already
// chosen is lost: every learner not marked yet gets "present". Without JavaScript the link
// reloads the sheet with the same choice made by the server.
(function () {
  'use strict';
  const link = document.querySelector('[data-mark-all]');
  if (!link) return;
  link.addEventListener('click', function (event) {
    event.preventDefault();
    for (const line of document.querySelectorAll('.learner')) {
      if (line.querySelector('input[type="radio"]:checked')) continue;
      const present = line.querySelector('input[type="radio"][value="present"]');
      if (present) present.checked = true;
    }
  });
})();
