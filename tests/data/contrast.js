// WCAG 2.1 contrast of every visible text node on the page: its colour (with the opacity of its ancestors) against
// the background it is drawn on (the first opaque background up the tree, translucent ones blended in).
// Returns one record per text node; `need` is 3 for large text (24 px, or 18.66 px bold), else 4.5.
// Icon-font glyphs and disabled controls are left out, as WCAG leaves them out.
function parse(c){const m=c&&c.match(/rgba?\(([^)]+)\)/); if(!m) return null; const p=m[1].split(',').map(s=>parseFloat(s)); return [p[0],p[1],p[2],p.length>3?p[3]:1];}
function blend(fg,bg){const a=fg[3];return [fg[0]*a+bg[0]*(1-a),fg[1]*a+bg[1]*(1-a),fg[2]*a+bg[2]*(1-a),1];}
function bgOf(el){const layers=[];for(let e=el;e;e=e.parentElement){const c=parse(getComputedStyle(e).backgroundColor); if(c&&c[3]>0){layers.push(c); if(c[3]>=1) break;}} let bg=[255,255,255,1]; for(let i=layers.length-1;i>=0;i--) bg=blend(layers[i],bg); return bg;}
function lum(c){const f=v=>{v/=255;return v<=0.03928?v/12.92:Math.pow((v+0.055)/1.055,2.4)}; return 0.2126*f(c[0])+0.7152*f(c[1])+0.0722*f(c[2]);}
function ratio(a,b){const l1=lum(a),l2=lum(b);return (Math.max(l1,l2)+0.05)/(Math.min(l1,l2)+0.05);}
const out=[];
const walker=document.createTreeWalker(document.body,NodeFilter.SHOW_TEXT);
while(walker.nextNode()){
  const t=walker.currentNode; const text=t.textContent.trim(); if(!text) continue;
  const el=t.parentElement; const r=el.getBoundingClientRect(); if(r.width===0||r.height===0) continue;
  const s=getComputedStyle(el);
  if(s.visibility==='hidden'||s.display==='none') continue;
  if(/Material/i.test(s.fontFamily)) continue;
  if(el.closest('[disabled],[aria-disabled="true"]')) continue;
  let op=1; for(let e=el;e;e=e.parentElement) op*=parseFloat(getComputedStyle(e).opacity);
  if(op===0) continue;
  const bg=bgOf(el); const fg=blend(parse(s.color),bg); const seen=blend([fg[0],fg[1],fg[2],op],bg);
  const size=parseFloat(s.fontSize), bold=parseInt(s.fontWeight)>=700;
  const large=size>=24||(bold&&size>=18.66);
  out.push({text:text.slice(0,60), ratio:Math.round(ratio(seen,bg)*100)/100, need:large?3:4.5, size:size, color:s.color, tag:el.tagName, testid:(el.closest('[data-testid]')||{}).getAttribute?el.closest('[data-testid]').getAttribute('data-testid'):''});
}
return out;
