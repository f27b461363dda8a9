// Box and point hints drawn over the photo, kept in the photo's own pixels (as the API takes them).
// Mouse or touch: drag a box, click points (Shift-click: not the object). Keyboard: arrow keys move
// a cross, Enter sets a box corner or an object point, Shift+Enter a not-object point.

export class HintCanvas {
  constructor(image, canvas, onChange) {
    this.image = image;
    this.canvas = canvas;
    this.onChange = onChange;
    this.tool = 'box';
    this.box = null; // [x1, y1, x2, y2]
    this.points = []; // [x, y, label]
    this.drag = null;
    this.cursor = null; // keyboard cross, in image pixels
    this.corner = null; // first corner set from the keyboard
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    canvas.addEventListener('pointerup', (e) => this.up(e));
    canvas.addEventListener('keydown', (e) => this.key(e));
    canvas.addEventListener('blur', () => this.draw());
    new ResizeObserver(() => this.fit()).observe(image);
  }

  get width() {
    return this.image.naturalWidth;
  }

  get height() {
    return this.image.naturalHeight;
  }

  clear() {
    this.box = null;
    this.points = [];
    this.corner = null;
    this.changed();
  }

  /** Sets the hints from the form's text fields; returns false when a value is not understood. */
  setBox(text) {
    if (!text.trim()) {
      this.box = null;
      this.draw();
      return true;
    }
    const values = text.split(',').map((v) => Number(v.trim()));
    if (values.length !== 4 || values.some((v) => !Number.isFinite(v))) {
      return false;
    }
    this.box = values;
    this.draw();
    return true;
  }

  setPoints(text) {
    if (!text.trim()) {
      this.points = [];
      this.draw();
      return true;
    }
    try {
      const parsed = JSON.parse(text);
      if (!Array.isArray(parsed) || parsed.some((p) => !Array.isArray(p) || p.length < 2)) {
        return false;
      }
      this.points = parsed.map(([x, y, label = 1]) => [x, y, label]);
      this.draw();
      return true;
    } catch {
      return false;
    }
  }

  boxText() {
    return this.box ? this.box.join(',') : '';
  }

  pointsText() {
    if (!this.points.length) {
      return '';
    }
    return JSON.stringify(this.points.map(([x, y, label]) => (label === 1 ? [x, y] : [x, y, 0])));
  }

  fit() {
    const rect = this.image.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.max(1, Math.round(rect.width * ratio));
    this.canvas.height = Math.max(1, Math.round(rect.height * ratio));
    this.canvas.style.width = `${rect.width}px`;
    this.canvas.style.height = `${rect.height}px`;
    this.draw();
  }

  toImage(event) {
    const rect = this.canvas.getBoundingClientRect();
    const x = ((event.clientX - rect.left) / rect.width) * this.width;
    const y = ((event.clientY - rect.top) / rect.height) * this.height;
    return [clamp(Math.round(x), 0, this.width - 1), clamp(Math.round(y), 0, this.height - 1)];
  }

  down(event) {
    if (!this.width) {
      return;
    }
    event.preventDefault();
    this.canvas.focus();
    const at = this.toImage(event);
    if (this.tool === 'points') {
      this.points.push([...at, event.shiftKey ? 0 : 1]);
      this.changed();
      return;
    }
    this.canvas.setPointerCapture(event.pointerId);
    this.drag = at;
    this.box = [...at, ...at];
    this.draw();
  }

  move(event) {
    if (!this.drag) {
      return;
    }
    this.box = ordered(this.drag, this.toImage(event));
    this.draw();
  }

  up(event) {
    if (!this.drag) {
      return;
    }
    this.box = ordered(this.drag, this.toImage(event));
    this.drag = null;
    if (this.box[2] - this.box[0] < 2 || this.box[3] - this.box[1] < 2) {
      this.box = null; // a click, not a box
    }
    this.changed();
  }

  key(event) {
    if (!this.width) {
      return;
    }
    const step = Math.max(1, Math.round(Math.max(this.width, this.height) / (event.shiftKey ? 10 : 100)));
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (!this.cursor) {
      this.cursor = [Math.round(this.width / 2), Math.round(this.height / 2)];
    }
    if (moves[event.key]) {
      event.preventDefault();
      const [dx, dy] = moves[event.key];
      this.cursor = [clamp(this.cursor[0] + dx, 0, this.width - 1), clamp(this.cursor[1] + dy, 0, this.height - 1)];
      if (this.corner) {
        this.box = ordered(this.corner, this.cursor);
      }
      this.draw();
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      if (this.tool === 'points') {
        this.points.push([...this.cursor, event.shiftKey ? 0 : 1]);
      } else if (!this.corner) {
        this.corner = [...this.cursor];
        this.box = [...this.cursor, ...this.cursor];
      } else {
        this.box = ordered(this.corner, this.cursor);
        this.corner = null;
      }
      this.changed();
    } else if (event.key === 'Escape' || event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      this.clear();
    }
  }

  changed() {
    this.draw();
    this.onChange();
  }

  draw() {
    const context = this.canvas.getContext('2d');
    context.clearRect(0, 0, this.canvas.width, this.canvas.height);
    if (!this.width) {
      return;
    }
    const sx = this.canvas.width / this.width;
    const sy = this.canvas.height / this.height;
    const line = Math.max(2, this.canvas.width / 300);
    if (this.box) {
      const [x1, y1, x2, y2] = this.box;
      context.fillStyle = 'rgba(255, 214, 0, 0.18)';
      context.fillRect(x1 * sx, y1 * sy, (x2 - x1) * sx, (y2 - y1) * sy);
      context.lineWidth = line;
      context.strokeStyle = '#000';
      context.strokeRect(x1 * sx, y1 * sy, (x2 - x1) * sx, (y2 - y1) * sy);
      context.setLineDash([line * 3, line * 3]);
      context.strokeStyle = '#ffd600';
      context.strokeRect(x1 * sx, y1 * sy, (x2 - x1) * sx, (y2 - y1) * sy);
      context.setLineDash([]);
    }
    for (const [x, y, label] of this.points) {
      context.beginPath();
      context.arc(x * sx, y * sy, line * 4, 0, 2 * Math.PI);
      context.fillStyle = label === 1 ? '#00c853' : '#ff1744';
      context.fill();
      context.lineWidth = line;
      context.strokeStyle = '#fff';
      context.stroke();
      context.fillStyle = '#fff';
      context.font = `bold ${line * 5}px sans-serif`;
      context.textAlign = 'center';
      context.textBaseline = 'middle';
      context.fillText(label === 1 ? '+' : '−', x * sx, y * sy);
    }
    if (this.cursor && document.activeElement === this.canvas) {
      const [x, y] = this.cursor;
      context.lineWidth = line;
      context.strokeStyle = '#fff';
      context.beginPath();
      context.moveTo(x * sx - line * 8, y * sy);
      context.lineTo(x * sx + line * 8, y * sy);
      context.moveTo(x * sx, y * sy - line * 8);
      context.lineTo(x * sx, y * sy + line * 8);
      context.stroke();
    }
  }
}

function clamp(value, low, high) {
  return Math.min(high, Math.max(low, value));
}

function ordered([ax, ay], [bx, by]) {
  return [Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by)];
}
