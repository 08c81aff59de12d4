import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
const db = new Database(process.argv[2], { readonly: true });
const src = readFileSync('/work/main/src-main/storage/store.ts', 'utf8');
const re = /'((?:SELECT|UPDATE|DELETE|INSERT|WITH)[^']*)'|`((?:SELECT|UPDATE|DELETE|WITH)[^`]*)`/g;
let m; const seen = new Set();
while ((m = re.exec(src))) {
  const sql = (m[1] ?? m[2]).replace(/\$\{[^}]*\}/g, '1');
  if (seen.has(sql)) continue; seen.add(sql);
  try {
    const st = db.prepare('EXPLAIN QUERY PLAN ' + sql);
    const named = Object.fromEntries([...sql.matchAll(/@(\w+)/g)].map(x => [x[1], null]));
    let plan;
    for (let n = 0; n < 60 && !plan; n++) { try { plan = (Object.keys(named).length ? st.all(named) : st.all(...new Array(n).fill(null))).map(r => r.detail); } catch (e) { if (!/parameter|bind|Missing/i.test(e.message)) throw e; } }
    if (!plan) { console.log('NOBIND', sql.slice(0,80)); continue; }
    const scans = plan.filter(d => /^SCAN (?!.*USING)/.test(d) || /^SCAN \w+$/.test(d));
    if (scans.length) console.log(scans.join(' | '), '\n   ', sql.slice(0, 160));
  } catch (e) { if (!/bind|Too many|parameter/.test(e.message)) console.log('ERR', e.message.slice(0,80), sql.slice(0, 80)); }
}
