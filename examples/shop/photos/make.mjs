// Draws the sample product photos (initials on a gradient) with chromium: node shop/photos/make.mjs
import { chromium } from 'playwright-core';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
const here = dirname(fileURLToPath(import.meta.url));
const items = [
 ['prodkettle00001','Copper kettle','#b45309','#fcd34d'],
 ['prodknife000001',"Chef's knife",'#334155','#cbd5e1'],
 ['prodmugs0000001','Stoneware mugs','#0f766e','#99f6e4'],
 ['prodtrowel00001','Hand trowel','#3f6212','#d9f99d'],
 ['prodseeds000001','Wildflower seeds','#9d174d','#fbcfe8'],
 ['prodcan00000001','Watering can','#1e40af','#bfdbfe'],
 ['prodlamp0000001','Desk lamp','#854d0e','#fef08a'],
 ['prodnotebook001','Dot-grid notebook','#4c1d95','#ddd6fe'],
 ['prodpen00000001','Fountain pen','#111827','#e5e7eb'],
];
const b = await chromium.launch({executablePath:'/usr/bin/chromium', args:['--no-sandbox','--headless','--disable-gpu']});
const page = await b.newPage({viewport:{width:640,height:480}});
for (const [id,name,dark,light] of items) {
  await page.setContent(`<body style="margin:0"><div style="width:640px;height:480px;background:linear-gradient(135deg,${light},#fff 70%);display:flex;flex-direction:column;align-items:center;justify-content:center;font-family:sans-serif">
  <div style="width:240px;height:240px;border-radius:50%;background:${dark};display:flex;align-items:center;justify-content:center;font-size:130px;font-weight:800;font-family:Georgia,serif;color:#fff;box-shadow:0 20px 40px #0003">${name.replace(/^(Chef's |Hand |Desk |Dot-grid |Fountain |Copper |Stoneware |Wildflower |Watering )/,'')[0].toUpperCase()}</div>
  <div style="margin-top:36px;font-size:36px;font-weight:700;color:${dark}">${name}</div></div></body>`);
  await page.screenshot({path:`${here}/${id}.jpg`, type:'jpeg', quality:75});
}
await b.close();
