// html is Preact's h bound to htm: tagged templates instead of JSX, so the
// sources run as they are (no JSX compile) and nothing is eval'd at run time.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
