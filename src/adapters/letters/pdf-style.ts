// The letter's design constants, shared by the parts of the PDF renderer.

export const PAGE_MARGINS: [number, number, number, number] = [50, 56, 50, 64]; // left, top, right, bottom
export const A4_WIDTH = 595.28;
export const A4_HEIGHT = 841.89;
export const TEXT = '#1a1a1a';
export const MUTED = '#555555';
export const RULE = '#9a9a9a';
export const LIGHT_RULE = '#c8c8c8';
export const HEADER_FILL = '#e4e4e4';
export const ZEBRA_FILL = '#f4f4f4';

export const BODY_SIZE = 10.5;
export const TABLE_SIZE = 8.5;
export const TABLE_LINE_HEIGHT = 1.15;

/**
 * Oversigt columns: Sagsnr. | (1) | (2) | (3) takes the rest | (4). Content
 * widths (pdfmake adds the cell padding), sized so that the common values fit
 * on one line at 8.5 pt: "28. september 2022" (75.7 pt), "Sagsbehandlingstid:
 * Kan ikke vurderes" (145.3 pt), "Begrundelse: ikke væsentlig betydning"
 * (144.2 pt; the '*' column gets 149), "HSB23-0001" (48.4 pt bold).
 */
export const COL = { sagsnr: 50, dato: 78, overholder: 42, regler: 146 } as const;
export const TABLE_WIDTHS = [COL.sagsnr, COL.dato, COL.overholder, '*', COL.regler];
export const TABLE_HEADERS = [
  'Sagsnr.',
  '(1) Afgørelsesdato',
  '(2) Lever op til regler og praksis',
  '(3) Retlige mangler',
  '(4) Sagsbehandlingsregler',
];
export const CELL_PAD_X = 3;
export const CELL_PAD_Y = 3;
/** Sender block: fits "handicapsagsbarometer@ankestyrelsen.example" (186 pt at 8.5 pt). */
export const SENDER_WIDTH = 190;

/** Paragraphs up to this length are kept on one page (orphan/widow control). */
export const SHORT_PARAGRAPH = 400;
/** A heading is kept with the following block only when that block is at most this long. */
export const KEEP_WITH_NEXT_LIMIT = 1500;
