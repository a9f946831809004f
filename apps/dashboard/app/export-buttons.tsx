'use client';
// Downloads made in the browser from what is on screen: a chart as SVG or PNG (from its
// rendered SVG, with the page's styles written into it so it looks the same elsewhere), a
// table as CSV. No server round trip: the page already holds exactly what is shown.
import { useRef } from 'react';
import { csvText } from '../lib/csv';

/** Style properties the charts' CSS sets; copied onto each element of the exported SVG. */
const styleProperties = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'opacity', 'font-family', 'font-size', 'font-weight'];

function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  // A file name any system accepts: test ids and titles may hold spaces and symbols.
  link.download = fileName.replace(/[^\w.-]+/g, '-');
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const svgNamespace = 'http://www.w3.org/2000/svg';

/**
 * The figure's legend (HTML beside the chart on the page) drawn into `copy` below the plot,
 * its entries left to right, wrapping at the chart's width; returns the new height.
 */
function appendLegend(copy: SVGSVGElement, figure: Element | null, width: number, height: number): number {
  const items = [...(figure?.querySelectorAll('.legend li') ?? [])];
  if (items.length === 0) return height;
  const rowHeight = 18;
  const margin = 16;
  let x = margin;
  let y = height;
  for (const item of items) {
    const label = (item.textContent ?? '').trim();
    const style = getComputedStyle(item);
    // An estimate of the label's width at 12 px: exact text metrics need a layout the copy does not have.
    const itemWidth = 34 + label.length * 7.2;
    if (x + itemWidth > width - margin && x > margin) {
      x = margin;
      y += rowHeight;
    }
    const swatch = item.querySelector('svg')?.cloneNode(true) as SVGSVGElement | undefined;
    if (swatch) {
      swatch.setAttribute('x', String(x));
      swatch.setAttribute('y', String(y + 4));
      copy.append(swatch);
    }
    const text = document.createElementNS(svgNamespace, 'text');
    text.setAttribute('x', String(x + 30));
    text.setAttribute('y', String(y + 13));
    text.setAttribute('style', `fill: ${style.color}; font-size: 12px; font-family: ${style.fontFamily}`);
    text.textContent = label;
    copy.append(text);
    x += itemWidth;
  }
  return y + rowHeight + 6;
}

/** A computed stroke-dasharray in screen pixels (`6px, 4px` or `none`) as lengths in viewBox units. */
function dashesInUnits(dasharray: string, scale: number): string {
  return dasharray === 'none' ? 'none' : dasharray.split(/[\s,]+/).filter(Boolean).map((length) => String(parseFloat(length) / scale)).join(' ');
}

/** A standalone SVG document of `svg` with its legend: its computed styles inlined, its size fixed, on the page's background. */
function standaloneSvg(svg: SVGSVGElement): { text: string; width: number; height: number } {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [copy, ...copy.querySelectorAll('*')];
  const { width, height: plotHeight } = svg.viewBox.baseVal;
  // Screen pixels per viewBox unit: the copy is drawn at its viewBox's size.
  const scale = svg.getBoundingClientRect().width / width;
  for (const [i, element] of originals.entries()) {
    const computed = getComputedStyle(element);
    const target = copies[i] as SVGElement;
    for (const property of styleProperties) target.style.setProperty(property, computed.getPropertyValue(property));
    // A hairline (a stroke that does not scale) keeps its width on screen relative to the chart,
    // so the PNG, drawn at twice the size, has lines as thick for its size as the page has.
    if (target.getAttribute('vector-effect') === 'non-scaling-stroke') {
      target.removeAttribute('vector-effect');
      target.style.setProperty('stroke-width', String(parseFloat(computed.strokeWidth) / scale));
      target.style.setProperty('stroke-dasharray', dashesInUnits(computed.strokeDasharray, scale));
    }
  }
  const height = appendLegend(copy, svg.closest('figure'), width, plotHeight);
  copy.setAttribute('viewBox', `0 0 ${width} ${height}`);
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  const background = document.createElementNS(svgNamespace, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', getComputedStyle(svg.closest('figure') ?? document.body).backgroundColor || '#fff');
  copy.insertBefore(background, copy.firstChild);
  return { text: `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}`, width, height };
}

/** The SVG drawn onto a canvas at twice its size. */
async function pngOf(svg: { text: string; width: number; height: number }): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg.text], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const scale = 2;
    const canvas = document.createElement('canvas');
    canvas.width = svg.width * scale;
    canvas.height = svg.height * scale;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('this browser gives no 2D canvas to draw the PNG on');
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the canvas gave no PNG'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** SVG and PNG buttons of the chart (the figure) they sit in. */
export function ChartExport({ fileName }: { fileName: string }) {
  const anchor = useRef<HTMLSpanElement>(null);
  const svgOf = () => anchor.current?.closest('figure')?.querySelector<SVGSVGElement>('svg[role="img"]');
  const exportAs = async (kind: 'svg' | 'png') => {
    const svg = svgOf();
    if (!svg) return;
    const standalone = standaloneSvg(svg);
    const blob = kind === 'svg' ? new Blob([standalone.text], { type: 'image/svg+xml' }) : await pngOf(standalone);
    download(blob, `${fileName}.${kind}`);
  };
  return (
    <span className="exports" ref={anchor}>
      <button type="button" onClick={() => void exportAs('svg')} aria-label={`Download the chart as SVG (${fileName}.svg)`}>
        SVG
      </button>
      <button type="button" onClick={() => void exportAs('png')} aria-label={`Download the chart as PNG (${fileName}.png)`}>
        PNG
      </button>
    </span>
  );
}

/**
 * A CSV button for the table with `data-testid={table}`: one row per table row, a cell's
 * `data-csv` (full precision, where the page rounds) or else its text.
 */
export function TableCsvExport({ table, fileName }: { table: string; fileName: string }) {
  const exportCsv = () => {
    const element = document.querySelector<HTMLTableElement>(`table[data-testid="${CSS.escape(table)}"]`);
    if (!element) return;
    const rows = [...element.rows].map((row) => [...row.cells].map((cell) => cell.dataset.csv ?? (cell.textContent ?? '').replace(/\s+/g, ' ').trim()));
    download(new Blob([csvText(rows)], { type: 'text/csv' }), `${fileName}.csv`);
  };
  return (
    <button type="button" className="exports" onClick={exportCsv} aria-label={`Download the table as CSV (${fileName}.csv)`}>
      CSV
    </button>
  );
}
