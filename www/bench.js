// The benchmark's baseline page: clear and fill a canvas as PageLab's painter would, and
// mark it painted, so that first-frame and paint times have something to be compared with.

const canvas = document.querySelector('[data-role=baseline]');
const ctx = canvas.getContext('2d');

/** Clear and fill the whole canvas once, and force it to be drawn. */
export function fill() {
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#f1f3f6';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.getImageData(0, 0, 1, 1);
}

fill();
document.body.dataset.painted = 'true';
window.baselineFill = fill;
