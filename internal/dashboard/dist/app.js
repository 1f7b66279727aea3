/* Galley dashboard. Bundles preact (MIT), htm (Apache-2.0) and pocketbase (MIT). */
var B,ss,jn,$e,ft,Xe,ns,Ge,os,gt,bt,qn,qe=Symbol.for("pv"),Ze={},et=[],Un=/^m(i|n|o|s|text|space)$/,$t=Array.isArray,yt=et.slice,xe=Object.assign;function ke(s){s&&s.parentNode&&s.remove()}function rs(s,e,t){var n,r,o,a={},i=arguments.length;for(o in e)o=="key"?n=e[o]:o=="ref"&&typeof s!="function"?r=e[o]:a[o]=e[o];return i>2&&(a.children=i>3?yt.call(arguments,2):t),je(s,a,n,r,null)}function je(s,e,t,n,r){var o={type:s,props:e,key:t,ref:n,__k:null,__:null,__b:0,__e:null,__c:null,constructor:qe,__v:r||++ss,__i:-1,__u:0};return!r&&B.vnode&&B.vnode(o),o}function tt(s){return s.children}function Qe(s,e){this.props=s,this.context=e,this.__g=0}function ye(s,e){if(e==null)return s.__&&ye(s.__,s.__i+1);for(var t;e<s.__k.length;e++)if((t=s.__k[e])&&t.__e)return t.__e;return typeof s.type!="function"||s.props.__P?null:ye(s)}function Dn(s){var e,t=s.__v,n=t.__e,r=[],o=[],a=s.__P;a&&((e=xe({constructor:qe},t)).__v=t.__v+1,B.vnode&&B.vnode(e),vt(a,e,t,s.__n,a.namespaceURI,32&t.__u?[n]:null,r,n||ye(t),32&t.__u,o),e.__v=t.__v,e.__.__k[e.__i]=e,us(r,e,o),t.__=t.__e=null,e.__e!=n&&is(e))}function is(s){if((s=s.__)&&s.__c&&!s.props.__P)return s.__e=null,s.__k.some(function(e){return e&&(s.__e=e.__e)}),is(s)}function es(s){(8&s.__g||(s.__g|=8,$e.push(s),Xe++))&&ft==B.debounceRendering||((ft=B.debounceRendering)||queueMicrotask)(as)}function as(){try{for(var s,e=1;$e.length;)$e.length>e&&$e.sort(ns),s=$e.shift(),e=$e.length,8&s.__g&&Dn(s)}finally{(Xe=$e.length)&&(ft||queueMicrotask)(as)}}function ls(s,e,t,n,r,o,a,i,c,p,d){var h,$,u,m,g,w,v=n.__k||et,f=e.length;for(c=Fn(t,e,v,c,f),h=0;h<f;h++)(u=t.__k[h])!=null&&($=~u.__i&&v[u.__i]||Ze,u.__i=h,w=vt(s,u,$,r,o,a,i,c,p,d),m=u.__e,($.ref!=u.ref||8&$.__u)&&($.ref&&wt($.ref,null,u,$),u.ref&&d.push(u.ref,u.__c||m,u)),g=g||m,4&u.__u?(c=cs(u,c,s,!$.__v),$.__e&&($.__e=null)):typeof u.type=="function"&&w!==void 0?c=w:m&&(c=m.nextSibling),u.__u&=-21);return t.__e=g,c}function Fn(s,e,t,n,r){var o,a,i,c,p,d,h,$,u,m=t.length,g=m,w=0,v=0,f=s.__k=Array(r);for(o=0;o<r;o++)(a=e[o])!=null&&typeof a!="boolean"&&typeof a!="function"?(typeof a!="object"||a.constructor===String?a=f[o]=je(null,a):$t(a)?a=f[o]=je(tt,{children:a}):a.constructor===qe&&a.__b?a=f[o]=je(a.type,a.props,a.key,a.ref,a.__v):f[o]=a,c=o+w,a.__=s,a.__b=s.__b+1,i=null,~(p=a.__i=Mn(a,t,c,g))&&(g--,(i=t[p])&&(i.__u|=2)),i&&i.__v?(a.__u|=16,p==c-1?w--:p==c+1?w++:p!=c&&(p>c?w--:w++,v=1)):(~p||(r>m?w--:r<m&&w++),typeof a.type!="function"&&(a.__u|=4))):f[o]=null;if(v){for(d=[],h=[],o=0;o<r;o++)if((a=f[o])&&16&a.__u){for(w=0,$=d.length;w<$;)d[u=w+$>>1]<a.__i?w=u+1:$=u;d[w]=a.__i,h[o]=w+1}for(w=d.length;o--;)h[o]&&(h[o]==w?w--:f[o].__u|=4)}if(g)for(o=0;o<m;o++)!(i=t[o])||2&i.__u||(i.__e==n&&(n=ye(i)),_t(i,i));return n}function cs(s,e,t,n){var r,o,a,i;if(typeof s.type=="function"){if(s.props.__P)return e;if(r=s.__k)for(o=0;o<r.length;o++)r[o]&&(r[o].__=s,e=cs(r[o],e,t,!1));return e}for(e&&!e.parentNode&&(e=ye(s))&&!e.parentNode&&(e=null),a=s.__e,i=e;i&&i.nodeType==8;)i=i.nextSibling;for(a!=i&&(!n&&t.moveBefore&&a.parentNode?t.moveBefore(a,e):t.insertBefore(a,e||null)),e=a;(e=e&&e.nextSibling)&&e.nodeType==8&&!e.data.startsWith("$s"););return e}function Mn(s,e,t,n){var r,o=s.key,a=s.type,i=e[t],c=i&&!(2&i.__u);if(i===null&&o==null||c&&o==i.key&&a==i.type)return t;if(n>(c?1:0)){for(r=t-1;r>=0;r--)if((i=e[r])&&!(2&i.__u)&&o==i.key&&a==i.type)return r;for(r=t+1;r<e.length;r++)if((i=e[r])&&!(2&i.__u)&&o==i.key&&a==i.type)return r}return-1}function ts(s,e,t){t==null&&(t=""),e[0]=="-"?s.setProperty(e,t):s[e]=t}function Ve(s,e,t,n,r){var o,a;if(e=="style")if(typeof t=="string")s.style.cssText=t;else{if(typeof n=="string"&&(s.style.cssText=n=""),n)for(e in n)t&&e in t||ts(s.style,e);if(t)for(e in t)n&&t[e]==n[e]||ts(s.style,e,t[e])}else if(e[0]=="o"&&e[1]=="n")typeof t!="function"&&(t=null),typeof n!="function"&&(n=null),(s.__e||(s.__e={}))[e]=t,t&&n||(a=bt[e]||(bt[e]=Bn(e)),(s.__a||(s.__a={}))[e]=gt,o=e!=(e=e.replace(os,"$1")),(e=e.slice(2))[0]<"a"&&(e=e.toLowerCase()),t?s.addEventListener(e,a,o):s.removeEventListener(e,a,o));else{if(r=="http://www.w3.org/2000/svg")e=e.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(e!="width"&&e!="height"&&e!="href"&&e!="list"&&e!="form"&&e!="tabIndex"&&e!="download"&&e!="rowSpan"&&e!="colSpan"&&e!="role"&&e!="popover"&&e in s)try{return void(s[e]=t??"")}catch{}if(typeof t=="function")return;t==null||t===!1&&e[4]!="-"?s.removeAttribute(e):s.setAttribute(e,e=="popover"&&t==1?"":t)}}function Bn(s){return function(e){var t=this.__e;if(t){if(t=t[s],e[Ge]==null)e[Ge]=gt++;else if(e[Ge]<this.__a[s])return;return t(B.event?B.event(e):e)}}}function vt(s,e,t,n,r,o,a,i,c,p){var d,h,$,u,m,g,w,v,f,b,_,x,E,j,N,T,q,Q,W=e.type;if(e.constructor!==qe)return null;128&t.__u&&(c=32&t.__u,d=t.__c.__z)&&(e.__u|=c,h=o=[],d.nodeType==8?i=Ye(d,o):o.push(d),i=o[0]||i),(d=B.__b)&&d(e);e:if(typeof W=="function"){$=a.length;try{if(v=e.props,f=(d=W.prototype)&&d.render,b=(d=W.contextType)&&n[d.__c],_=d?b?b.props.value:d.__:n,(u=t.__c)?(e.__c=u,2&u.__g&&(u.__g|=1)):(f?e.__c=u=new W(v,_):(e.__c=u=new Qe(v,_),u.constructor=W,u.render=Wn),b&&b.sub(u),u.state||(u.state={}),u.__n=n,u.__g|=8,u.__h=[],u.__k=[]),f&&(u.__s||(u.__s=u.state),W.getDerivedStateFromProps&&(u.__s==u.state&&(u.__s=xe({},u.__s)),xe(u.__s,W.getDerivedStateFromProps(v,u.__s)))),m=u.props,g=u.state,u.__v=e,t.__c){if(v!==m&&f&&!W.getDerivedStateFromProps&&u.componentWillReceiveProps&&u.componentWillReceiveProps(v,_),e.__v==t.__v&&!(8&u.__g)||!(4&u.__g)&&u.shouldComponentUpdate&&u.shouldComponentUpdate(v,u.__s,_)===!1){e.__v!=t.__v&&(u.props=v,u.state=u.__s,u.__g&=-9),e.__e=t.__e,e.__k=t.__k,e.__k.some(function(F){F&&(F.__=e)}),et.push.apply(u.__h,u.__k),u.__k=[],u.__h.length&&a.push(u),i=ye(t);break e}u.componentWillUpdate&&u.componentWillUpdate(v,u.__s,_),f&&u.componentDidUpdate&&u.__h.push(function(){u.componentDidUpdate(m,g,w)})}else f&&!W.getDerivedStateFromProps&&u.componentWillMount&&u.componentWillMount(),f&&u.componentDidMount&&u.__h.push(u.componentDidMount);u.context=_,u.props=v,u.__P=s,u.__g&=-5,x=B.__r,E=f?25:0;do u.__g&=-9,x&&x(e),d=u.render(u.props,u.state=u.__s,u.context);while(8&u.__g&&++E<25);f&&(et.push.apply(u.__h,u.__k),u.__k=[]),u.state=u.__s,u.getChildContext&&(n=xe({},n,u.getChildContext())),f&&t.__c&&u.getSnapshotBeforeUpdate&&(w=u.getSnapshotBeforeUpdate(m,g)),j=d&&d.type===tt&&d.key==null?d.props.children:d,v.__P&&(d=i,r=(s=v.__P).namespaceURI,c=o=null,t.props&&t.props.__P!=s&&(t.__k.some(function(F){F&&_t(F,F)}),t.__k=null),i=t.__k?ye(t,0):null),i=ls(s,$t(j)?j:[j],e,t,n,r,o,a,i,c,p),v.__P&&(e.__e=null,i=d),e.__u&=-161,h&&h.some(ke),u.__h.length&&a.push(u),1&u.__g&&(u.__g&=-4)}catch(F){if(a.length=$,e.__v=null,c||o)if(F&&F.then){if(e.__u|=128|c,o){for(~(q=o.indexOf(i||void 0))||(q=o.length);(Q=o[q-1])&&Q.nodeType==8;)q--;for(;q<o.length;q++)if(Q=o[q])if(o[q]=null,N){if(Q==T)break}else{if(Q.nodeType!=8)break;Q.data.startsWith("$s")&&(T=Ye(N=Q))}}if(!N){for(;i&&i.nodeType==8&&i.nextSibling;)i=i.nextSibling;N=i}(d=Ye(N=e.__c.__z||(e.__c.__z=N)))?(e.__e=N,i=d):e.__e=i,i=i&&i.nextSibling}else o&&o.some(ke);else e.__e=t.__e;e.__k||(e.__k=t.__k||[]),F&&F.then||ds(e),B.__e(F,e,t)}}else i=e.__e=zn(t.__e,e,t,n,r,o,a,c,p,s);return(d=B.diffed)&&d(e),i}function Ye(s,e){if(s&&s.nodeType==8&&s.data.startsWith("$s"))for(var t=1;s=s.nextSibling;){if(s.nodeType==8){if(s.data.startsWith("$s"))t++;else if(s.data.startsWith("/$s")&&!--t)return s}e&&e.push(s)}}function ds(s){s&&(s.__c&&(s.__c.__g|=4),s.__k&&s.__k.some(ds))}function us(s,e,t){for(var n=0;n<t.length;)wt(t[n++],t[n++],t[n++]);B.__c&&B.__c(e,s),s.some(function(r){try{s=r.__h,r.__h=[],s.some(function(o){o.call(r)})}catch(o){B.__e(o,r.__v)}})}function zn(s,e,t,n,r,o,a,i,c,p){var d,h,$,u,m,g,w,v,f=t.props||Ze,b=e.props,_=e.type;if(_=="svg"?r="http://www.w3.org/2000/svg":_=="math"?r="http://www.w3.org/1998/Math/MathML":r||(r="http://www.w3.org/1999/xhtml"),o){for(d=0;d<o.length;d++)if((m=o[d])&&(_?m.localName==_:m.nodeType==3)){s=m,o[d]=null;break}}if(!s){if(v=p.ownerDocument||document,!_)return v.createTextNode(b);s=v.createElementNS(r,_,b.is?b:p),i&&(B.__m&&B.__m(e,o),i=!1),o=null}if(_){if(p=_=="template"&&s.content||s,o=_=="textarea"&&b.defaultValue!=null?null:o&&yt.call(p.childNodes),!i&&o)for(f={},d=0;d<s.attributes.length;d++)f[(m=s.attributes[d]).name]=m.value;for(d in f)m=f[d],d=="dangerouslySetInnerHTML"?$=m:d=="children"||d in b||d=="value"&&"defaultValue"in b||d=="checked"&&"defaultChecked"in b||Ve(s,d,null,m,r);for(d in b)m=b[d],d=="children"?u=m:d=="dangerouslySetInnerHTML"?h=m:d=="value"?g=m:d=="checked"?w=m:i&&typeof m!="function"||f[d]===m||Ve(s,d,m,f[d],r);h?(i||$&&(h.__html==$.__html||h.__html==s.innerHTML)||(s.innerHTML=h.__html),e.__k=[]):($&&(s.textContent=""),(_=="foreignObject"||r=="http://www.w3.org/1998/Math/MathML"&&Un.test(_))&&(r="http://www.w3.org/1999/xhtml"),ls(p,$t(u)?u:[u],e,t,n,r,o,a,o?o[0]:t.__k&&ye(t,0),i,c),o&&o.some(ke)),i&&_!="textarea"||(d="value",_=="progress"&&g==null?s.removeAttribute(d):g==null||g===s[d]&&(_!="progress"||g)||Ve(s,d,g,f[d],r),d="checked",w!=null&&w!=s[d]&&Ve(s,d,w,f[d],r))}else f===b||i&&s.data==b||(s.data=b);return s}function wt(s,e,t,n){try{typeof s=="function"?e?e.__x=s(e)||1:n&&(n=n.__c||n.__e)&&(e=n.__x)&&(n.__x=null,typeof e=="function"?e():s(null)):s.current=e}catch(r){B.__e(r,t)}}function _t(s,e,t){var n,r,o,a;if(B.unmount&&B.unmount(s),!(n=s.ref)||n.current&&n.current!=s.__e||wt(n,null,e,s),n=s.__c){if(n.componentWillUnmount)try{n.componentWillUnmount()}catch(i){B.__e(i,e)}n.__P=n.__n=null}if(n=s.__k)for(a=0;a<n.length;a++)n[a]&&_t(n[a],e,typeof s.type!="function"||t&&!s.props.__P);!t&&(n=s.__c)&&(n=n.__z)&&(r=Ye(n,o=[]))&&(n==s.__e&&o.some(ke),ke(r),ke(n)),t||ke(s.__e),s.__e=s.__c=s.__=null}function Wn(s,e,t){return this.constructor(s,t)}function ps(s,e){var t,n,r,o;B.__&&B.__(s,e),e.nodeType==9&&(e=e.documentElement),n=(t=s&&32&s.__u)?null:e.__k,e.__k=je(tt,{children:[s]}),r=[],o=[],vt(e,e.__k,n||Ze,Ze,e.namespaceURI,n?null:e.firstChild?yt.call(e.childNodes):null,r,n?n.__e:e.firstChild,t,o),us(r,e.__k,o),e.__k.props.children=null}B={__e:function(s,e,t,n){for(var r,o,a;e=e.__;)if((r=e.__c)&&!(1&r.__g)){r.__g|=4;try{if((a=(o=r.constructor)&&o.getDerivedStateFromError)&&r.setState(o.getDerivedStateFromError(s)),r.componentDidCatch&&(r.componentDidCatch(s,n||{}),a=1),a&&8&r.__g)return void(r.__g|=2)}catch(i){s=i}}throw Xe=0,s}},ss=0,jn=function(s){return s!=null&&s.constructor===qe},Qe.prototype.setState=function(s,e){var t=this.__s;t&&t!=this.state||(t=this.__s=xe({},this.state)),typeof s=="function"&&(s=s(xe({},t),this.props)),s&&(xe(t,s),this.__v&&(e&&this.__k.push(e),es(this)))},Qe.prototype.forceUpdate=function(s){this.__v&&(this.__g|=4,s&&this.__h.push(s),es(this))},Qe.prototype.render=tt,$e=[],Xe=0,ns=function(s,e){return s.__v.__b-e.__v.__b},Ge=Symbol(),os=/(PointerCapture)$|Capture$/i,gt=0,bt={},qn=0;var Ie,G,kt,ms,xt=Object.is,st=0,_s=[],St=[],V=B,hs=V.__b,fs=V.__r,bs=V.diffed,gs=V.__c,$s=V.unmount,ys=V.__;function nt(s,e){V.__h&&V.__h(G,s,st||e),st=0;var t=G.__H||(G.__H={__:[],__h:[]});return s>=t.__.length&&t.__.push({}),t.__[s]}function y(s){return st=1,Kn(xs,s)}function Kn(s,e,t){var n=nt(Ie++,2);if(n.t=s,!n.__c&&(n.__=[t?t(e):xs(void 0,e),function(o){var a=(n.__N||n.__)[0],i=n.t(a,o);xt(a,i)||(n.__N=[i,n.__[1]],n.__c.setState({}))}],n.__c=G,!G.__f)){G.__f=!0;var r=G.shouldComponentUpdate;G.shouldComponentUpdate=function(o,a,i){var c=this.__H;if(!c)return!0;var p=!1,d=this.props!=o;if(c.__.some(function($){$.__N&&(p=!0,xt($.__[0],$.__N[0])||(d=!0))}),r){var h=r.call(this,o,a,i);return p?h||d:h}return!p||d}}return n.__}function I(s,e){var t=nt(Ie++,3);!V.__s&&ks(t.__H,e)&&(t.__P=!0,t.__=s,t.u=e,G.__H.__h.push(t))}function Y(s){return st=5,Ee(function(){return{current:s}},[])}function Ee(s,e){var t=nt(Ie++,7);return ks(t.__H,e)&&(t.__=s(),t.__H=e),t.__}function z(){var s=nt(Ie++,11);if(!s.__){for(var e=G.__v;!e.__m&&e.__;)e=e.__;var t=e.__m||(e.__m=[0,0]);s.__="P"+t[0]+"-"+t[1]++}return s.__}function Hn(){var s;do{for(;s=St.shift();)try{Ue(s)}catch(t){V.__e(t,{__:(s=s.__P)&&s.__v})}for(;s=_s.shift();){var e=s.__H;if(s.__P&&e)try{e.__h.some(Ue),e.__h.some(Ct),e.__h=[]}catch(t){e.__h=[],V.__e(t,s.__v)}}}while(St.length)}V.__b=function(s){G=null,hs&&hs(s)},V.__=function(s,e){s&&e.__k&&e.__k.__m&&(s.__m=e.__k.__m),ys&&ys(s,e)},V.__r=function(s){fs&&fs(s),Ie=0;var e=(G=s.__c).__H;e&&(kt==G?G.__h=[]:(e.__h.some(Ue),e.__h.some(Ct),Ie=0),e.__h=[],e.__.some(function(t){t.__N&&(t.__=t.__N),t.u=t.__N=void 0})),kt=G},V.diffed=function(s){bs&&bs(s);var e=s.__c;e&&e.__H&&(e.__H.__h.length&&ws(_s.push(e)),e.__H.__.some(function(t){t.u&&(t.__H=t.u)})),kt=G=null},V.__c=function(s,e){e.some(function(t){try{t.__h.some(Ue),t.__h=t.__h.filter(function(n){return!n.__||Ct(n)})}catch(n){t.__h=[function(){throw n}]}}),gs&&gs(s,e)},V.unmount=function(s){$s&&$s(s);var e,t,n=s.__c;n&&n.__H&&(n.__H.__.some(function(r){try{if(r.__P&&r.__c){if(t===void 0){for(t=s.__;t&&(!t.__c||!t.__c.__P);)t=t.__;t=t&&t.__c}r.__P=t,ws(St.push(r))}else Ue(r)}catch(o){e=o}}),n.__H=void 0,e&&V.__e(e,n.__v))};var vs=typeof requestAnimationFrame=="function";function Jn(s){var e,t=function(){clearTimeout(n),vs&&cancelAnimationFrame(e),setTimeout(s)},n=setTimeout(t,35);vs&&(e=requestAnimationFrame(t))}function ws(s){s!=1&&ms==V.requestAnimationFrame||((ms=V.requestAnimationFrame)||Jn)(Hn)}function Ue(s){var e=G,t=s.__c;typeof t=="function"&&(s.__c=void 0,t()),G=e}function Ct(s){var e=G;s.__c=s.__(),G=e}function ks(s,e){return!s||s.length!=e.length||e.some(function(t,n){return!xt(t,s[n])})}function xs(s,e){return typeof e=="function"?e(s):e}var Cs=function(s,e,t,n){var r;e[0]=0;for(var o=1;o<e.length;o++){var a=e[o++],i=e[o]?(e[0]|=a?1:2,t[e[o++]]):e[++o];a===3?n[0]=i:a===4?n[1]=Object.assign(n[1]||{},i):a===5?(n[1]=n[1]||{})[e[++o]]=i:a===6?n[1][e[++o]]+=i+"":a?(r=s.apply(i,Cs(s,i,t,["",null])),n.push(r),i[0]?e[0]|=2:(e[o-2]=0,e[o]=r)):n.push(i)}return n},Ss=new Map;function Rs(s){var e=Ss.get(this);return e||(e=new Map,Ss.set(this,e)),(e=Cs(this,e.get(s)||(e.set(s,e=(function(t){for(var n,r,o=1,a="",i="",c=[0],p=function($){o===1&&($||(a=a.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?c.push(0,$,a):o===3&&($||a)?(c.push(3,$,a),o=2):o===2&&a==="..."&&$?c.push(4,$,0):o===2&&a&&!$?c.push(5,0,!0,a):o>=5&&((a||!$&&o===5)&&(c.push(o,0,a,r),o=6),$&&(c.push(o,$,0,r),o=6)),a=""},d=0;d<t.length;d++){d&&(o===1&&p(),p(d));for(var h=0;h<t[d].length;h++)n=t[d][h],o===1?n==="<"?(p(),c=[c],o=3):a+=n:o===4?a==="--"&&n===">"?(o=1,a=""):a=n+a[0]:i?n===i?i="":a+=n:n==='"'||n==="'"?i=n:n===">"?(p(),o=1):o&&(n==="="?(o=5,r=a,a=""):n==="/"&&(o<5||t[d][h+1]===">")?(p(),o===3&&(c=c[0]),o=c,(c=c[0]).push(2,0,o),o=0):n===" "||n==="	"||n===`
`||n==="\r"?(p(),o=2):a+=n),o===3&&a==="!--"&&(o=4,c=c[0])}return p(),c})(s)),e),arguments,[])).length>1?e:e[0]}var l=Rs.bind(rs);function Pe(s){let e=s,t=new Set;return{get:()=>e,set(n){e=typeof n=="function"?n(e):n;for(let r of[...t])r(e)},subscribe(n){return t.add(n),()=>t.delete(n)}}}function J(s){let[,e]=y(0);return I(()=>s.subscribe(()=>e(t=>t+1)),[s]),s.get()}var ie=class s extends Error{constructor(e){super("ClientResponseError"),this.url="",this.status=0,this.response={},this.isAbort=!1,this.originalError=null,Object.setPrototypeOf(this,s.prototype),e!==null&&typeof e=="object"&&(this.originalError=e.originalError,this.url=typeof e.url=="string"?e.url:"",this.status=typeof e.status=="number"?e.status:0,this.isAbort=!!e.isAbort||e.name==="AbortError"||e.message==="Aborted",e.response!==null&&typeof e.response=="object"?this.response=e.response:e.data!==null&&typeof e.data=="object"?this.response=e.data:this.response={}),this.originalError||e instanceof s||(this.originalError=e),this.name="ClientResponseError "+this.status,this.message=this.response?.message,this.message||(this.isAbort?this.message="The request was aborted (most likely autocancelled; you can find more info in https://github.com/pocketbase/js-sdk#auto-cancellation).":this.originalError?.cause?.message?.includes("ECONNREFUSED ::1")?this.message="Failed to connect to the PocketBase server. Try changing the SDK URL from localhost to 127.0.0.1 (https://github.com/pocketbase/js-sdk/issues/21).":this.message="Something went wrong."),this.cause=this.originalError}get data(){return this.response}toJSON(){return{...this}}},ot=/^[\u0009\u0020-\u007e\u0080-\u00ff]+$/;function Vn(s,e){let t={};if(typeof s!="string")return t;let n=Object.assign({},e||{}).decode||Gn,r=0;for(;r<s.length;){let o=s.indexOf("=",r);if(o===-1)break;let a=s.indexOf(";",r);if(a===-1)a=s.length;else if(a<o){r=s.lastIndexOf(";",o-1)+1;continue}let i=s.slice(r,o).trim();if(t[i]===void 0){let c=s.slice(o+1,a).trim();c.charCodeAt(0)===34&&(c=c.slice(1,-1));try{t[i]=n(c)}catch{t[i]=c}}r=a+1}return t}function Os(s,e,t){let n=Object.assign({},t||{}),r=n.encode||Qn;if(!ot.test(s))throw new TypeError("argument name is invalid");let o=r(e);if(o&&!ot.test(o))throw new TypeError("argument val is invalid");let a=s+"="+o;if(n.maxAge!=null){let i=n.maxAge-0;if(isNaN(i)||!isFinite(i))throw new TypeError("option maxAge is invalid");a+="; Max-Age="+Math.floor(i)}if(n.domain){if(!ot.test(n.domain))throw new TypeError("option domain is invalid");a+="; Domain="+n.domain}if(n.path){if(!ot.test(n.path))throw new TypeError("option path is invalid");a+="; Path="+n.path}if(n.expires){if(!(function(c){return Object.prototype.toString.call(c)==="[object Date]"||c instanceof Date})(n.expires)||isNaN(n.expires.valueOf()))throw new TypeError("option expires is invalid");a+="; Expires="+n.expires.toUTCString()}if(n.httpOnly&&(a+="; HttpOnly"),n.secure&&(a+="; Secure"),n.priority)switch(typeof n.priority=="string"?n.priority.toLowerCase():n.priority){case"low":a+="; Priority=Low";break;case"medium":a+="; Priority=Medium";break;case"high":a+="; Priority=High";break;default:throw new TypeError("option priority is invalid")}if(n.sameSite)switch(typeof n.sameSite=="string"?n.sameSite.toLowerCase():n.sameSite){case!0:a+="; SameSite=Strict";break;case"lax":a+="; SameSite=Lax";break;case"strict":a+="; SameSite=Strict";break;case"none":a+="; SameSite=None";break;default:throw new TypeError("option sameSite is invalid")}return a}function Gn(s){return s.indexOf("%")!==-1?decodeURIComponent(s):s}function Qn(s){return encodeURIComponent(s)}var Yn=typeof navigator<"u"&&navigator.product==="ReactNative"||typeof global<"u"&&global.HermesInternal,Ls;function Le(s){if(s)try{let e=decodeURIComponent(Ls(s.split(".")[1]).split("").map((function(t){return"%"+("00"+t.charCodeAt(0).toString(16)).slice(-2)})).join(""));return JSON.parse(e)||{}}catch{}return{}}function As(s,e=0){let t=Le(s);return!(Object.keys(t).length>0&&(!t.exp||t.exp-e>Date.now()/1e3))}Ls=typeof atob!="function"||Yn?s=>{let e=String(s).replace(/=+$/,"");if(e.length%4==1)throw new Error("'atob' failed: The string to be decoded is not correctly encoded.");for(var t,n,r=0,o=0,a="";n=e.charAt(o++);~n&&(t=r%4?64*t+n:n,r++%4)?a+=String.fromCharCode(255&t>>(-2*r&6)):0)n="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".indexOf(n);return a}:atob;var Ts="pb_auth",De=class{constructor(){this.baseToken="",this.baseModel=null,this._onChangeCallbacks=[]}get token(){return this.baseToken}get record(){return this.baseModel}get model(){return this.baseModel}get isValid(){return!As(this.token)}get isSuperuser(){let e=Le(this.token);return e.type=="auth"&&(this.record?.collectionName=="_superusers"||!this.record?.collectionName&&e.collectionId=="pbc_3142635823")}get isAdmin(){return console.warn("Please replace pb.authStore.isAdmin with pb.authStore.isSuperuser OR simply check the value of pb.authStore.record?.collectionName"),this.isSuperuser}get isAuthRecord(){return console.warn("Please replace pb.authStore.isAuthRecord with !pb.authStore.isSuperuser OR simply check the value of pb.authStore.record?.collectionName"),Le(this.token).type=="auth"&&!this.isSuperuser}save(e,t){this.baseToken=e||"",this.baseModel=t||null,this.triggerChange()}clear(){this.baseToken="",this.baseModel=null,this.triggerChange()}loadFromCookie(e,t=Ts){let n=Vn(e||"")[t]||"",r={};try{r=JSON.parse(n),(typeof r===null||typeof r!="object"||Array.isArray(r))&&(r={})}catch{}this.save(r.token||"",r.record||r.model||null)}exportToCookie(e,t=Ts){let n={secure:!0,sameSite:!0,httpOnly:!0,path:"/"},r=Le(this.token);n.expires=r?.exp?new Date(1e3*r.exp):new Date("1970-01-01"),e=Object.assign({},n,e);let o={token:this.token,record:this.record?JSON.parse(JSON.stringify(this.record)):null},a=Os(t,JSON.stringify(o),e),i=typeof Blob<"u"?new Blob([a]).size:a.length;if(o.record&&i>4096){o.record={id:o.record?.id,email:o.record?.email};let c=["collectionId","collectionName","verified"];for(let p in this.record)c.includes(p)&&(o.record[p]=this.record[p]);a=Os(t,JSON.stringify(o),e)}return a}onChange(e,t=!1){return this._onChangeCallbacks.push(e),t&&e(this.token,this.record),()=>{for(let n=this._onChangeCallbacks.length-1;n>=0;n--)if(this._onChangeCallbacks[n]==e)return delete this._onChangeCallbacks[n],void this._onChangeCallbacks.splice(n,1)}}triggerChange(){for(let e of this._onChangeCallbacks)e&&e(this.token,this.record)}},Fe=class extends De{constructor(e="pocketbase_auth"){super(),this.storageFallback={},this.storageKey=e,this._bindStorageEvent()}get token(){return(this._storageGet(this.storageKey)||{}).token||""}get record(){let e=this._storageGet(this.storageKey)||{};return e.record||e.model||null}get model(){return this.record}save(e,t){this._storageSet(this.storageKey,{token:e,record:t}),super.save(e,t)}clear(){this._storageRemove(this.storageKey),super.clear()}_storageGet(e){if(typeof window<"u"&&window?.localStorage){let t=window.localStorage.getItem(e)||"";try{return JSON.parse(t)}catch{return t}}return this.storageFallback[e]}_storageSet(e,t){if(typeof window<"u"&&window?.localStorage){let n=t;typeof t!="string"&&(n=JSON.stringify(t)),window.localStorage.setItem(e,n)}else this.storageFallback[e]=t}_storageRemove(e){typeof window<"u"&&window?.localStorage&&window.localStorage?.removeItem(e),delete this.storageFallback[e]}_bindStorageEvent(){typeof window<"u"&&window?.localStorage&&window.addEventListener&&window.addEventListener("storage",(e=>{if(e.key!=this.storageKey)return;let t=this._storageGet(this.storageKey)||{};super.save(t.token||"",t.record||t.model||null)}))}},le=class{constructor(e){this.client=e}},Ot=class extends le{async getAll(e){return e=Object.assign({method:"GET"},e),this.client.send("/api/settings",e)}async update(e,t){return t=Object.assign({method:"PATCH",body:e},t),this.client.send("/api/settings",t)}async testS3(e="storage",t){return t=Object.assign({method:"POST",body:{filesystem:e}},t),this.client.send("/api/settings/test/s3",t).then((()=>!0))}async testEmail(e,t,n,r){return r=Object.assign({method:"POST",body:{email:t,template:n,collection:e}},r),this.client.send("/api/settings/test/email",r).then((()=>!0))}async generateAppleClientSecret(e,t,n,r,o,a){return a=Object.assign({method:"POST",body:{clientId:e,teamId:t,keyId:n,privateKey:r,duration:o}},a),this.client.send("/api/settings/apple/generate-client-secret",a)}},Xn=["requestKey","$cancelKey","$autoCancel","fetch","headers","body","query","params","cache","credentials","headers","integrity","keepalive","method","mode","redirect","referrer","referrerPolicy","signal","window"];function Mt(s){if(s){s.query=s.query||{};for(let e in s)Xn.includes(e)||(s.query[e]=s[e],delete s[e])}}function Bt(s){let e=[];for(let t in s){let n=encodeURIComponent(t),r=Array.isArray(s[t])?s[t]:[s[t]];for(let o of r)o=Zn(o),o!==null&&e.push(n+"="+o)}return e.join("&")}function Zn(s){return s==null?null:s instanceof Date?encodeURIComponent(s.toISOString().replace("T"," ")):encodeURIComponent(typeof s=="object"?JSON.stringify(s):s)}var rt=class extends le{constructor(){super(...arguments),this.clientId="",this.eventSource=null,this.subscriptions={},this.lastSentSubscriptions=[],this.maxConnectTimeout=15e3,this.reconnectAttempts=0,this.maxReconnectAttempts=1/0,this.predefinedReconnectIntervals=[200,300,500,1e3,1200,1500,2e3],this.pendingConnects=[],this.pendingSubmits=[],this.isProcessingPendingSubmits=!1}get isConnected(){return!!this.eventSource&&!!this.clientId&&!this.pendingConnects.length}async subscribe(e,t,n){if(!e)throw new Error("topic must be set.");let r=e;if(n){Mt(n=Object.assign({},n));let a="options="+encodeURIComponent(JSON.stringify({query:n.query,headers:n.headers}));r+=(r.includes("?")?"&":"?")+a}let o=function(a){let i=a,c;try{c=JSON.parse(i?.data)}catch{}t(c||{})};return this.subscriptions[r]||(this.subscriptions[r]=[]),this.subscriptions[r].push(o),this.isConnected?this.subscriptions[r].length===1?await this.submitSubscriptions():this.eventSource?.addEventListener(r,o):await this.connect(),async()=>this.unsubscribeByTopicAndListener(e,o)}async unsubscribe(e){if(e){let t=this.getSubscriptionsByTopic(e);for(let n in t)if(this.hasSubscriptionListeners(n)){for(let r of this.subscriptions[n])this.eventSource?.removeEventListener(n,r);delete this.subscriptions[n]}}else this.subscriptions={};await this.submitSubscriptions()}async unsubscribeByPrefix(e){let t=!1;for(let n in this.subscriptions)if((n+"?").startsWith(e)){t=!0;for(let r of this.subscriptions[n])this.eventSource?.removeEventListener(n,r);delete this.subscriptions[n]}t&&await this.submitSubscriptions()}async unsubscribeByTopicAndListener(e,t){let n=this.getSubscriptionsByTopic(e);for(let r in n){if(!Array.isArray(this.subscriptions[r])||!this.subscriptions[r].length)continue;let o=!1;for(let a=this.subscriptions[r].length-1;a>=0;a--)this.subscriptions[r][a]===t&&(o=!0,delete this.subscriptions[r][a],this.subscriptions[r].splice(a,1),this.eventSource?.removeEventListener(r,t));o&&(this.subscriptions[r].length||delete this.subscriptions[r])}await this.submitSubscriptions()}hasSubscriptionListeners(e){if(this.subscriptions=this.subscriptions||{},e)return!!this.subscriptions[e]?.length;for(let t in this.subscriptions)if(this.subscriptions[t]?.length)return!0;return!1}async submitSubscriptions(){return new Promise(((e,t)=>{this.pendingSubmits.push({resolve:e,reject:t}),this.pendingSubmits.length==1&&queueMicrotask((()=>this.finalizePendingSubscriptions()))}))}async finalizePendingSubscriptions(){if(this.isProcessingPendingSubmits||!this.pendingSubmits.length)return;let e=this.pendingSubmits.slice();this.pendingSubmits=[],this.isProcessingPendingSubmits=!0;try{await this.sendSubscriptions();for(let t of e)t.resolve()}catch(t){for(let n of e)t?n.reject(t):n.resolve()}finally{this.isProcessingPendingSubmits=!1,this.pendingSubmits.length>0&&await this.finalizePendingSubscriptions()}}getSubscriptionsCancelKey(){return"realtime_"+this.clientId}getSubscriptionsByTopic(e){let t={};e=e.includes("?")?e:e+"?";for(let n in this.subscriptions)(n+"?").startsWith(e)&&(t[n]=this.subscriptions[n]);return t}getNonEmptySubscriptionKeys(){let e=[];for(let t in this.subscriptions)this.subscriptions[t].length&&e.push(t);return e}hasUnsentSubscriptions(){let e=this.getNonEmptySubscriptionKeys();if(e.length!=this.lastSentSubscriptions.length)return!0;for(let t of e)if(!this.lastSentSubscriptions.includes(t))return!0;return!1}async sendSubscriptions(){if(this.clientId){if(!this.hasSubscriptionListeners())return this.disconnect();if(this.hasUnsentSubscriptions())return this.addAllSubscriptionListeners(),this.lastSentSubscriptions=this.getNonEmptySubscriptionKeys(),this.client.send("/api/realtime",{method:"POST",body:{clientId:this.clientId,subscriptions:this.lastSentSubscriptions},requestKey:this.getSubscriptionsCancelKey()}).catch((e=>{if(!e?.isAbort)throw e}))}}addAllSubscriptionListeners(){if(this.eventSource){this.removeAllSubscriptionListeners();for(let e in this.subscriptions)for(let t of this.subscriptions[e])this.eventSource.addEventListener(e,t)}}removeAllSubscriptionListeners(){if(this.eventSource)for(let e in this.subscriptions)for(let t of this.subscriptions[e])this.eventSource.removeEventListener(e,t)}async connect(){if(!(this.reconnectAttempts>0))return new Promise(((e,t)=>{this.pendingConnects.push({resolve:e,reject:t}),this.pendingConnects.length==1&&queueMicrotask((()=>this.initConnect()))}))}initConnect(){this.disconnect(!0),clearTimeout(this.connectTimeoutId),this.connectTimeoutId=setTimeout((()=>{this.connectErrorHandler(new Error("EventSource connect took too long."))}),this.maxConnectTimeout),this.eventSource=new EventSource(this.client.buildURL("/api/realtime")),this.eventSource.onerror=e=>{this.connectErrorHandler(new Error("Failed to establish realtime connection."))},this.eventSource.addEventListener("PB_CONNECT",(e=>{let t=e;this.clientId=t?.lastEventId,this.lastSentSubscriptions=[],this.submitSubscriptions().then((async()=>{let n=3;for(;this.hasUnsentSubscriptions()&&n>0;)n--,await this.submitSubscriptions();for(let o of this.pendingConnects)o.resolve();this.pendingConnects=[],this.reconnectAttempts=0,clearTimeout(this.reconnectTimeoutId),clearTimeout(this.connectTimeoutId);let r=this.getSubscriptionsByTopic("PB_CONNECT");for(let o in r)for(let a of r[o])a(e);this.hasUnsentSubscriptions()&&await this.submitSubscriptions()})).catch((n=>{this.clientId="",this.lastSentSubscriptions=[],this.connectErrorHandler(n)}))}))}connectErrorHandler(e){if(clearTimeout(this.connectTimeoutId),clearTimeout(this.reconnectTimeoutId),!this.clientId&&!this.reconnectAttempts||this.reconnectAttempts>this.maxReconnectAttempts){for(let n of this.pendingConnects)n.reject(new ie(e));return this.pendingConnects=[],void this.disconnect()}this.disconnect(!0);let t=this.predefinedReconnectIntervals[this.reconnectAttempts]||this.predefinedReconnectIntervals[this.predefinedReconnectIntervals.length-1];this.reconnectAttempts++,this.reconnectTimeoutId=setTimeout((()=>{this.initConnect()}),t)}disconnect(e=!1){if(this.clientId&&this.onDisconnect&&this.onDisconnect(Object.keys(this.subscriptions)),clearTimeout(this.connectTimeoutId),clearTimeout(this.reconnectTimeoutId),this.removeAllSubscriptionListeners(),this.client.cancelRequest(this.getSubscriptionsCancelKey()),this.eventSource?.close(),this.eventSource=null,this.clientId="",this.lastSentSubscriptions=[],!e){this.reconnectAttempts=0;for(let t of this.pendingConnects)t.resolve();this.pendingConnects=[]}}},it=class extends le{decode(e){return e}async getFullList(e,t){if(typeof e=="number")return this._getFullList(e,t);let n=1e3;return(t=Object.assign({},e,t)).batch&&(n=t.batch,delete t.batch),this._getFullList(n,t)}async getList(e=1,t=30,n){return(n=Object.assign({method:"GET"},n)).query=Object.assign({page:e,perPage:t},n.query),this.client.send(this.baseCrudPath,n).then((r=>(r.items=r.items?.map((o=>this.decode(o)))||[],r)))}async getFirstListItem(e,t){return(t=Object.assign({requestKey:"one_by_filter_"+this.baseCrudPath+"_"+e},t)).query=Object.assign({filter:e,skipTotal:1},t.query),this.getList(1,1,t).then((n=>{if(!n?.items?.length)throw new ie({status:404,response:{code:404,message:"The requested resource wasn't found.",data:{}}});return n.items[0]}))}async getOne(e,t){if(!e)throw new ie({url:this.client.buildURL(this.baseCrudPath+"/"),status:404,response:{code:404,message:"Missing required record id.",data:{}}});return t=Object.assign({method:"GET"},t),this.client.send(this.baseCrudPath+"/"+encodeURIComponent(e),t).then((n=>this.decode(n)))}async create(e,t){return t=Object.assign({method:"POST",body:e},t),this.client.send(this.baseCrudPath,t).then((n=>this.decode(n)))}async update(e,t,n){return n=Object.assign({method:"PATCH",body:t},n),this.client.send(this.baseCrudPath+"/"+encodeURIComponent(e),n).then((r=>this.decode(r)))}async delete(e,t){return t=Object.assign({method:"DELETE"},t),this.client.send(this.baseCrudPath+"/"+encodeURIComponent(e),t).then((()=>!0))}_getFullList(e=1e3,t){(t=t||{}).query=Object.assign({skipTotal:1},t.query);let n=[],r=async o=>this.getList(o,e||1e3,t).then((a=>{let i=a.items;return n=n.concat(i),i.length==a.perPage?r(o+1):n}));return r(1)}};function ve(s,e,t,n){let r=n!==void 0;return r||t!==void 0?r?(console.warn(s),e.body=Object.assign({},e.body,t),e.query=Object.assign({},e.query,n),e):Object.assign(e,t):e}function Rt(s){s._resetAutoRefresh?.()}var Tt=class extends it{constructor(e,t){super(e),this.collectionIdOrName=t}get baseCrudPath(){return this.baseCollectionPath+"/records"}get baseCollectionPath(){return"/api/collections/"+encodeURIComponent(this.collectionIdOrName)}get isSuperusers(){return this.collectionIdOrName=="_superusers"||this.collectionIdOrName=="_pbc_2773867675"}async subscribe(e,t,n){if(!e)throw new Error("Missing topic.");if(!t)throw new Error("Missing subscription callback.");return this.client.realtime.subscribe(this.collectionIdOrName+"/"+e,t,n)}async unsubscribe(e){return e?this.client.realtime.unsubscribe(this.collectionIdOrName+"/"+e):this.client.realtime.unsubscribeByPrefix(this.collectionIdOrName)}async getFullList(e,t){if(typeof e=="number")return super.getFullList(e,t);let n=Object.assign({},e,t);return super.getFullList(n)}async getList(e=1,t=30,n){return super.getList(e,t,n)}async getFirstListItem(e,t){return super.getFirstListItem(e,t)}async getOne(e,t){return super.getOne(e,t)}async create(e,t){return super.create(e,t)}async update(e,t,n){return super.update(e,t,n).then((r=>{if(this.client.authStore.record?.id===r?.id&&(this.client.authStore.record?.collectionId===this.collectionIdOrName||this.client.authStore.record?.collectionName===this.collectionIdOrName)){let o=Object.assign({},this.client.authStore.record.expand),a=Object.assign({},this.client.authStore.record,r);o&&(a.expand=Object.assign(o,r.expand)),this.client.authStore.save(this.client.authStore.token,a)}return r}))}async delete(e,t){return super.delete(e,t).then((n=>(!n||this.client.authStore.record?.id!==e||this.client.authStore.record?.collectionId!==this.collectionIdOrName&&this.client.authStore.record?.collectionName!==this.collectionIdOrName||this.client.authStore.clear(),n)))}authResponse(e){let t=this.decode(e?.record||{});return this.client.authStore.save(e?.token,t),Object.assign({},e,{token:e?.token||"",record:t})}async listAuthMethods(e){return e=Object.assign({method:"GET",fields:"mfa,otp,password,oauth2"},e),this.client.send(this.baseCollectionPath+"/auth-methods",e)}async authWithPassword(e,t,n){let r;n=Object.assign({method:"POST",body:{identity:e,password:t}},n),this.isSuperusers&&(r=n.autoRefreshThreshold,delete n.autoRefreshThreshold,n.autoRefresh||Rt(this.client));let o=await this.client.send(this.baseCollectionPath+"/auth-with-password",n);return o=this.authResponse(o),r&&this.isSuperusers&&(function(i,c,p,d){Rt(i);let h=i.beforeSend,$=i.authStore.record,u=i.authStore.onChange(((m,g)=>{(!m||g?.id!=$?.id||(g?.collectionId||$?.collectionId)&&g?.collectionId!=$?.collectionId)&&Rt(i)}));i._resetAutoRefresh=function(){u(),i.beforeSend=h,delete i._resetAutoRefresh},i.beforeSend=async(m,g)=>{let w=i.authStore.token;if(g.query?.autoRefresh)return h?h(m,g):{url:m,sendOptions:g};let v=i.authStore.isValid;if(v&&As(i.authStore.token,c))try{await p()}catch{v=!1}v||await d();let f=g.headers||{};for(let b in f)if(b.toLowerCase()=="authorization"&&w==f[b]&&i.authStore.token){f[b]=i.authStore.token;break}return g.headers=f,h?h(m,g):{url:m,sendOptions:g}}})(this.client,r,(()=>this.authRefresh({autoRefresh:!0})),(()=>this.authWithPassword(e,t,Object.assign({autoRefresh:!0},n)))),o}async authWithOAuth2Code(e,t,n,r,o,a,i){let c={method:"POST",body:{provider:e,code:t,codeVerifier:n,redirectURL:r,createData:o}};return c=ve("This form of authWithOAuth2Code(provider, code, codeVerifier, redirectURL, createData?, body?, query?) is deprecated. Consider replacing it with authWithOAuth2Code(provider, code, codeVerifier, redirectURL, createData?, options?).",c,a,i),this.client.send(this.baseCollectionPath+"/auth-with-oauth2",c).then((p=>this.authResponse(p)))}authWithOAuth2(...e){if(e.length>1||typeof e?.[0]=="string")return console.warn("PocketBase: This form of authWithOAuth2() is deprecated and may get removed in the future. Please replace with authWithOAuth2Code() OR use the authWithOAuth2() realtime form as shown in https://pocketbase.io/docs/authentication/#oauth2-integration."),this.authWithOAuth2Code(e?.[0]||"",e?.[1]||"",e?.[2]||"",e?.[3]||"",e?.[4]||{},e?.[5]||{},e?.[6]||{});let t=e?.[0]||{},n=null;t.urlCallback||(n=Is(void 0));let r=new rt(this.client);function o(){n?.close(),r.unsubscribe()}let a={},i=t.requestKey;return i&&(a.requestKey=i),this.listAuthMethods(a).then((c=>{let p=c.oauth2.providers.find((h=>h.name===t.provider));if(!p)throw new ie(new Error(`Missing or invalid provider "${t.provider}".`));let d=this.client.buildURL("/api/oauth2-redirect");return new Promise((async(h,$)=>{let u=i?this.client.cancelControllers?.[i]:void 0;u&&(u.signal.onabort=()=>{o(),$(new ie({isAbort:!0,message:"manually cancelled"}))}),r.onDisconnect=m=>{m.length&&$&&(o(),$(new ie(new Error("realtime connection interrupted"))))};try{await r.subscribe("@oauth2",(async v=>{let f=r.clientId;try{if(!v.state||f!==v.state)throw new Error("State parameters don't match.");if(v.error||!v.code)throw new Error("OAuth2 redirect error or missing code: "+v.error);let b=Object.assign({},t);delete b.provider,delete b.scopes,delete b.createData,delete b.urlCallback,u?.signal?.onabort&&(u.signal.onabort=null);let _=await this.authWithOAuth2Code(p.name,v.code,p.codeVerifier,d,t.createData,b);h(_)}catch(b){$(new ie(b))}o()}));let m={state:r.clientId};t.scopes?.length&&(m.scope=t.scopes.join(" "));let g=this._replaceQueryParams(p.authURL+d,m);await(t.urlCallback||function(v){n?n.location.href=v:n=Is(v)})(g)}catch(m){u?.signal?.onabort&&(u.signal.onabort=null),o(),$(new ie(m))}}))})).catch((c=>{throw o(),c}))}async authRefresh(e,t){let n={method:"POST"};return n=ve("This form of authRefresh(body?, query?) is deprecated. Consider replacing it with authRefresh(options?).",n,e,t),this.client.send(this.baseCollectionPath+"/auth-refresh",n).then((r=>this.authResponse(r)))}async requestPasswordReset(e,t,n){let r={method:"POST",body:{email:e}};return r=ve("This form of requestPasswordReset(email, body?, query?) is deprecated. Consider replacing it with requestPasswordReset(email, options?).",r,t,n),this.client.send(this.baseCollectionPath+"/request-password-reset",r).then((()=>!0))}async confirmPasswordReset(e,t,n,r,o){let a={method:"POST",body:{token:e,password:t,passwordConfirm:n}};return a=ve("This form of confirmPasswordReset(token, password, passwordConfirm, body?, query?) is deprecated. Consider replacing it with confirmPasswordReset(token, password, passwordConfirm, options?).",a,r,o),this.client.send(this.baseCollectionPath+"/confirm-password-reset",a).then((()=>!0))}async requestVerification(e,t,n){let r={method:"POST",body:{email:e}};return r=ve("This form of requestVerification(email, body?, query?) is deprecated. Consider replacing it with requestVerification(email, options?).",r,t,n),this.client.send(this.baseCollectionPath+"/request-verification",r).then((()=>!0))}async confirmVerification(e,t,n){let r={method:"POST",body:{token:e}};return r=ve("This form of confirmVerification(token, body?, query?) is deprecated. Consider replacing it with confirmVerification(token, options?).",r,t,n),this.client.send(this.baseCollectionPath+"/confirm-verification",r).then((()=>{let o=Le(e),a=this.client.authStore.record;return a&&!a.verified&&a.id===o.id&&a.collectionId===o.collectionId&&(a.verified=!0,this.client.authStore.save(this.client.authStore.token,a)),!0}))}async requestEmailChange(e,t,n){let r={method:"POST",body:{newEmail:e}};return r=ve("This form of requestEmailChange(newEmail, body?, query?) is deprecated. Consider replacing it with requestEmailChange(newEmail, options?).",r,t,n),this.client.send(this.baseCollectionPath+"/request-email-change",r).then((()=>!0))}async confirmEmailChange(e,t,n,r){let o={method:"POST",body:{token:e,password:t}};return o=ve("This form of confirmEmailChange(token, password, body?, query?) is deprecated. Consider replacing it with confirmEmailChange(token, password, options?).",o,n,r),this.client.send(this.baseCollectionPath+"/confirm-email-change",o).then((()=>{let a=Le(e),i=this.client.authStore.record;return i&&i.id===a.id&&i.collectionId===a.collectionId&&this.client.authStore.clear(),!0}))}async listExternalAuths(e,t){return this.client.collection("_externalAuths").getFullList(Object.assign({},t,{filter:this.client.filter("recordRef = {:id}",{id:e})}))}async unlinkExternalAuth(e,t,n){let r=await this.client.collection("_externalAuths").getFirstListItem(this.client.filter("recordRef = {:recordId} && provider = {:provider}",{recordId:e,provider:t}));return this.client.collection("_externalAuths").delete(r.id,n).then((()=>!0))}async requestOTP(e,t){return t=Object.assign({method:"POST",body:{email:e}},t),this.client.send(this.baseCollectionPath+"/request-otp",t)}async authWithOTP(e,t,n){return n=Object.assign({method:"POST",body:{otpId:e,password:t}},n),this.client.send(this.baseCollectionPath+"/auth-with-otp",n).then((r=>this.authResponse(r)))}async impersonate(e,t,n){(n=Object.assign({method:"POST",body:{duration:t}},n)).headers=n.headers||{},n.headers.Authorization||(n.headers.Authorization=this.client.authStore.token);let r=new Me(this.client.baseURL,new De,this.client.lang),o=await r.send(this.baseCollectionPath+"/impersonate/"+encodeURIComponent(e),n);return r.authStore.save(o?.token,this.decode(o?.record||{})),r}_replaceQueryParams(e,t={}){let n=e,r="";e.indexOf("?")>=0&&(n=e.substring(0,e.indexOf("?")),r=e.substring(e.indexOf("?")+1));let o={},a=r.split("&");for(let i of a){if(i=="")continue;let c=i.split("=");o[decodeURIComponent(c[0].replace(/\+/g," "))]=decodeURIComponent((c[1]||"").replace(/\+/g," "))}for(let i in t)t.hasOwnProperty(i)&&(t[i]==null?delete o[i]:o[i]=t[i]);r="";for(let i in o)o.hasOwnProperty(i)&&(r!=""&&(r+="&"),r+=encodeURIComponent(i.replace(/%20/g,"+"))+"="+encodeURIComponent(o[i].replace(/%20/g,"+")));return r!=""?n+"?"+r:n}};function Is(s){if(typeof window>"u"||!window?.open)throw new ie(new Error("Not in a browser context - please pass a custom urlCallback function."));let e=1024,t=768,n=window.innerWidth,r=window.innerHeight;e=e>n?n:e,t=t>r?r:t;let o=n/2-e/2,a=r/2-t/2;return window.open(s,"popup_window","width="+e+",height="+t+",top="+a+",left="+o+",resizable,menubar=no")}var It=class extends it{get baseCrudPath(){return"/api/collections"}async import(e,t=!1,n){return n=Object.assign({method:"PUT",body:{collections:e,deleteMissing:t}},n),this.client.send(this.baseCrudPath+"/import",n).then((()=>!0))}async truncate(e,t){return t=Object.assign({method:"DELETE"},t),this.client.send(this.baseCrudPath+"/"+encodeURIComponent(e)+"/truncate",t).then((()=>!0))}async getScaffolds(e){return e=Object.assign({method:"GET"},e),this.client.send(this.baseCrudPath+"/meta/scaffolds",e)}async getAllOAuth2Providers(e){return e=Object.assign({method:"GET"},e),this.client.send(this.baseCrudPath+"/meta/oauth2-providers",e)}async dryRunViewQuery(e,t){return t=Object.assign({method:"POST",body:{query:e}},t),this.client.send(this.baseCrudPath+"/meta/dry-run-view",t)}},Et=class extends le{async getList(e=1,t=30,n){return(n=Object.assign({method:"GET"},n)).query=Object.assign({page:e,perPage:t},n.query),this.client.send("/api/logs",n)}async getOne(e,t){if(!e)throw new ie({url:this.client.buildURL("/api/logs/"),status:404,response:{code:404,message:"Missing required log id.",data:{}}});return t=Object.assign({method:"GET"},t),this.client.send("/api/logs/"+encodeURIComponent(e),t)}async getStats(e){return e=Object.assign({method:"GET"},e),this.client.send("/api/logs/stats",e)}async truncate(e){return e=Object.assign({method:"DELETE"},e),this.client.send("/api/logs",e).then((()=>!0))}},Pt=class extends le{async check(e){return e=Object.assign({method:"GET"},e),this.client.send("/api/health",e)}},Lt=class extends le{getUrl(e,t,n={}){return console.warn("Please replace pb.files.getUrl() with pb.files.getURL()"),this.getURL(e,t,n)}getURL(e,t,n={}){if(!t||!e?.id||!e?.collectionId&&!e?.collectionName)return"";let r=[];r.push("api"),r.push("files"),r.push(encodeURIComponent(e.collectionId||e.collectionName)),r.push(encodeURIComponent(e.id)),r.push(encodeURIComponent(t));let o=this.client.buildURL(r.join("/"));n.download===!1&&delete n.download;let a=Bt(n);return a&&(o+=(o.includes("?")?"&":"?")+a),o}async getToken(e){return e=Object.assign({method:"POST"},e),this.client.send("/api/files/token",e).then((t=>t?.token||""))}},At=class extends le{async getFullList(e){return e=Object.assign({method:"GET"},e),this.client.send("/api/backups",e)}async create(e,t){return t=Object.assign({method:"POST",body:{name:e}},t),this.client.send("/api/backups",t).then((()=>!0))}async upload(e,t){return t=Object.assign({method:"POST",body:e},t),this.client.send("/api/backups/upload",t).then((()=>!0))}async delete(e,t){return t=Object.assign({method:"DELETE"},t),this.client.send(`/api/backups/${encodeURIComponent(e)}`,t).then((()=>!0))}async restore(e,t){return t=Object.assign({method:"POST"},t),this.client.send(`/api/backups/${encodeURIComponent(e)}/restore`,t).then((()=>!0))}getDownloadUrl(e,t){return console.warn("Please replace pb.backups.getDownloadUrl() with pb.backups.getDownloadURL()"),this.getDownloadURL(e,t)}getDownloadURL(e,t){return this.client.buildURL(`/api/backups/${encodeURIComponent(t)}?token=${encodeURIComponent(e)}`)}},Nt=class extends le{async getFullList(e){return e=Object.assign({method:"GET"},e),this.client.send("/api/crons",e)}async run(e,t){return t=Object.assign({method:"POST"},t),this.client.send(`/api/crons/${encodeURIComponent(e)}`,t).then((()=>!0))}},jt=class extends le{async run(e,t){return t=Object.assign({method:"POST",body:{query:e}},t),this.client.send("/api/sql",t)}};function qt(s){return typeof Blob<"u"&&s instanceof Blob||typeof File<"u"&&s instanceof File||s!==null&&typeof s=="object"&&s.uri&&(typeof navigator<"u"&&navigator.product==="ReactNative"||typeof global<"u"&&global.HermesInternal)}function Ut(s){return s&&(s.constructor?.name==="FormData"||typeof FormData<"u"&&s instanceof FormData)}function Es(s){for(let e in s){let t=Array.isArray(s[e])?s[e]:[s[e]];for(let n of t)if(qt(n))return!0}return!1}var eo=/^[\-\.\d]+$/;function Ps(s){if(typeof s!="string")return s;if(s=="true")return!0;if(s=="false")return!1;if((s[0]==="-"||s[0]>="0"&&s[0]<="9")&&eo.test(s)){let e=+s;if(""+e===s)return e}return s}var Dt=class extends le{constructor(){super(...arguments),this.requests=[],this.subs={}}collection(e){return this.subs[e]||(this.subs[e]=new Ft(this.requests,e)),this.subs[e]}async send(e){let t=new FormData,n=[];for(let r=0;r<this.requests.length;r++){let o=this.requests[r];if(n.push({method:o.method,url:o.url,headers:o.headers,body:o.json}),o.files)for(let a in o.files){let i=o.files[a]||[];for(let c of i)t.append("requests."+r+"."+a,c)}}return t.append("@jsonPayload",JSON.stringify({requests:n})),e=Object.assign({method:"POST",body:t},e),this.client.send("/api/batch",e)}},Ft=class{constructor(e,t){this.requests=[],this.requests=e,this.collectionIdOrName=t}upsert(e,t){t=Object.assign({body:e||{}},t);let n={method:"PUT",url:"/api/collections/"+encodeURIComponent(this.collectionIdOrName)+"/records"};this.prepareRequest(n,t),this.requests.push(n)}create(e,t){t=Object.assign({body:e||{}},t);let n={method:"POST",url:"/api/collections/"+encodeURIComponent(this.collectionIdOrName)+"/records"};this.prepareRequest(n,t),this.requests.push(n)}update(e,t,n){n=Object.assign({body:t||{}},n);let r={method:"PATCH",url:"/api/collections/"+encodeURIComponent(this.collectionIdOrName)+"/records/"+encodeURIComponent(e)};this.prepareRequest(r,n),this.requests.push(r)}delete(e,t){t=Object.assign({},t);let n={method:"DELETE",url:"/api/collections/"+encodeURIComponent(this.collectionIdOrName)+"/records/"+encodeURIComponent(e)};this.prepareRequest(n,t),this.requests.push(n)}prepareRequest(e,t){if(Mt(t),e.headers=t.headers,e.json={},e.files={},t.query!==void 0){let r=Bt(t.query);r&&(e.url+=(e.url.includes("?")?"&":"?")+r)}let n=t.body;Ut(n)&&(n=(function(o){let a={};return o.forEach(((i,c)=>{if(c==="@jsonPayload"&&typeof i=="string")try{let p=JSON.parse(i);Object.assign(a,p)}catch(p){console.warn("@jsonPayload error:",p)}else a[c]!==void 0?(Array.isArray(a[c])||(a[c]=[a[c]]),a[c].push(Ps(i))):a[c]=Ps(i)})),a})(n));for(let r in n){let o=n[r];if(qt(o))e.files[r]=e.files[r]||[],e.files[r].push(o);else if(Array.isArray(o)){let a=[],i=[];for(let c of o)qt(c)?a.push(c):i.push(c);if(a.length>0&&a.length==o.length){e.files[r]=e.files[r]||[];for(let c of a)e.files[r].push(c)}else if(e.json[r]=i,a.length>0){let c=r;r.startsWith("+")||r.endsWith("+")||(c+="+"),e.files[c]=e.files[c]||[];for(let p of a)e.files[c].push(p)}}else e.json[r]=o}}};RegExp.escape||(RegExp.escape=function(s){return s.replace(/[/\-\\^$*+?.()|[\]{}]/g,"\\$&")});var Me=class{get baseUrl(){return this.baseURL}set baseUrl(e){this.baseURL=e}constructor(e="/",t,n="en-US"){this.cancelControllers={},this.recordServices={},this.enableAutoCancellation=!0,this.baseURL=e,this.lang=n,t?this.authStore=t:typeof window<"u"&&window.Deno?this.authStore=new De:this.authStore=new Fe,this.collections=new It(this),this.files=new Lt(this),this.logs=new Et(this),this.settings=new Ot(this),this.realtime=new rt(this),this.health=new Pt(this),this.backups=new At(this),this.crons=new Nt(this),this.sql=new jt(this)}get admins(){return this.collection("_superusers")}createBatch(){return new Dt(this)}collection(e){return this.recordServices[e]||(this.recordServices[e]=new Tt(this,e)),this.recordServices[e]}autoCancellation(e){return this.enableAutoCancellation=!!e,this}cancelRequest(e){return this.cancelControllers[e]&&(this.cancelControllers[e].abort(),delete this.cancelControllers[e]),this}cancelAllRequests(){for(let e in this.cancelControllers)this.cancelControllers[e].abort();return this.cancelControllers={},this}filter(e,t){if(!t)return e;let n={};for(let o in t)n["{:"+o+"}"]=t[o];let r=Object.keys(n).map((o=>RegExp.escape(o))).join("|");return r?e.replace(new RegExp(r,"g"),(o=>(function(i){switch(typeof i){case"boolean":case"number":return""+i;case"string":return JSON.stringify(i);default:if(i==null)return"null";if(i instanceof Date)return JSON.stringify(i.toISOString().replace("T"," "));let c=JSON.stringify(i);return c.startsWith("[")||c.startsWith("{")?JSON.stringify(c):c}})(n[o]))):e}getFileUrl(e,t,n={}){return console.warn("Please replace pb.getFileUrl() with pb.files.getURL()"),this.files.getURL(e,t,n)}buildUrl(e){return console.warn("Please replace pb.buildUrl() with pb.buildURL()"),this.buildURL(e)}buildURL(e){let t=this.baseURL;return typeof window>"u"||!window.location||t.startsWith("https://")||t.startsWith("http://")||(t=window.location.origin?.endsWith("/")?window.location.origin.substring(0,window.location.origin.length-1):window.location.origin||"",this.baseURL.startsWith("/")||(t+=window.location.pathname||"/",t+=t.endsWith("/")?"":"/"),t+=this.baseURL),e&&(t+=t.endsWith("/")?"":"/",t+=e.startsWith("/")?e.substring(1):e),t}async send(e,t){t=this.initSendOptions(e,t);let n=this.buildURL(e);if(this.beforeSend){let r=Object.assign({},await this.beforeSend(n,t));r.url!==void 0||r.options!==void 0?(n=r.url||n,t=r.options||t):Object.keys(r).length&&(t=r,console?.warn&&console.warn("Deprecated format of beforeSend return: please use `return { url, options }`, instead of `return options`."))}if(t.query!==void 0){let r=Bt(t.query);r&&(n+=(n.includes("?")?"&":"?")+r),delete t.query}return this.getHeader(t.headers,"Content-Type")=="application/json"&&t.body&&typeof t.body!="string"&&(t.body=JSON.stringify(t.body)),(t.fetch||fetch)(n,t).then((async r=>{let o={};try{o=await r.json()}catch(a){if(t.signal?.aborted||a?.name=="AbortError"||a?.message=="Aborted")throw a}if(this.afterSend&&(o=await this.afterSend(r,o,t)),r.status>=400)throw new ie({url:r.url,status:r.status,data:o});return o})).catch((r=>{throw new ie(r)}))}initSendOptions(e,t){if((t=Object.assign({method:"GET"},t)).body=(function(r){if(typeof FormData>"u"||r===void 0||typeof r!="object"||r===null||Ut(r)||!Es(r))return r;let o=new FormData;for(let a in r){let i=r[a];if(i!==void 0)if(typeof i!="object"||Es({data:i})){let c=Array.isArray(i)?i:[i];for(let p of c)o.append(a,p)}else{let c={};c[a]=i,o.append("@jsonPayload",JSON.stringify(c))}}return o})(t.body),Mt(t),t.query=Object.assign({},t.params,t.query),t.requestKey===void 0&&(t.$autoCancel===!1||t.query.$autoCancel===!1?t.requestKey=null:(t.$cancelKey||t.query.$cancelKey)&&(t.requestKey=t.$cancelKey||t.query.$cancelKey)),delete t.$autoCancel,delete t.query.$autoCancel,delete t.$cancelKey,delete t.query.$cancelKey,this.getHeader(t.headers,"Content-Type")!==null||Ut(t.body)||(t.headers=Object.assign({},t.headers,{"Content-Type":"application/json"})),this.getHeader(t.headers,"Accept-Language")===null&&(t.headers=Object.assign({},t.headers,{"Accept-Language":this.lang})),this.authStore.token&&this.getHeader(t.headers,"Authorization")===null&&(t.headers=Object.assign({},t.headers,{Authorization:this.authStore.token})),this.enableAutoCancellation&&t.requestKey!==null){let n=t.requestKey||(t.method||"GET")+e;delete t.requestKey,this.cancelRequest(n);let r=new AbortController;this.cancelControllers[n]=r,t.signal=r.signal}return t}getHeader(e,t){e=e||{},t=t.toLowerCase();for(let n in e)if(n.toLowerCase()==t)return e[n];return null}};var C=new Me(location.origin,new Fe("galley_dashboard_auth"));C.autoCancellation(!1);var pe=Pe({user:Ns(),expired:!1});function Ns(){return C.authStore.isValid&&C.authStore.isSuperuser?C.authStore.record:null}C.authStore.onChange(()=>{let s=Ns();pe.set(e=>({user:s||(e.expired?e.user:null),expired:s?!1:e.expired}))});var to=/\/(auth-with-password|auth-with-otp|request-otp|install|auth-methods)(\?|$)/;C.afterSend=(s,e,t)=>{let n=t?.headers?.Authorization||t?.headers?.authorization||"";return s.status===401&&pe.get().user&&!to.test(s.url)&&n&&n===C.authStore.token&&pe.set(r=>({...r,expired:!0})),e};function Ae(){C.authStore.clear(),pe.set({user:null,expired:!1})}async function js(){if(C.authStore.token){if(!C.authStore.isValid||!C.authStore.isSuperuser){Ae();return}try{await C.collection("_superusers").authRefresh()}catch(s){(s.status===401||s.status===403||s.status===404)&&Ae()}}}var zt=[],Wt=[];function H(s,e,t={}){zt.push({pattern:s,parts:Ds(s),component:e,priority:t.priority??0,...t}),zt.sort((n,r)=>r.priority-n.priority)}function he(s){Wt.push(s),Wt.sort((e,t)=>(e.order??100)-(t.order??100))}function Us(){return Wt}function Ds(s){return s.split("/").filter(Boolean)}function qs(s){let e=(s||"").replace(/^#/,"")||"/",[t,n=""]=e.split("?");return{path:t||"/",query:Object.fromEntries(new URLSearchParams(n))}}function Fs(s){let e=Ds(s);for(let t of zt){if(t.parts.length!==e.length)continue;let n={},r=!0;for(let o=0;o<e.length&&r;o++){let a=t.parts[o];a.startsWith(":")?n[a.slice(1)]=decodeURIComponent(e[o]):r=a===e[o]}if(r)return{route:t,params:n}}return null}function ce(s,{replace:e=!1}={}){e?(history.replaceState(null,"",s),window.dispatchEvent(new HashChangeEvent("hashchange"))):location.hash=s.replace(/^#/,"")}function Ms(){let[s,e]=y(()=>qs(location.hash));return I(()=>{let t=()=>e(qs(location.hash));return window.addEventListener("hashchange",t),()=>window.removeEventListener("hashchange",t)},[]),s}function L(s){if(!s)return{message:"",fields:{},status:0};let e=s.response||{},t={};Bs(e.data||s.data?.data||{},"",t);let n=e.message||s.message||String(s);return(s.status===0||s.isAbort)&&(n="Galley could not be reached. Is the server running?"),{message:n,fields:t,status:s.status??0}}function Bs(s,e,t){if(!(!s||typeof s!="object")){if(typeof s.message=="string"&&typeof s.code=="string"){t[e]=s.message;return}for(let[n,r]of Object.entries(s))Bs(r,e?`${e}.${n}`:n,t)}}function zs(s,e){let t={},n=e+".";for(let[r,o]of Object.entries(s||{}))r.startsWith(n)&&(t[r.slice(n.length)]=o);return t}function at(s,e){let t=0;for(let n of Object.keys(s||{}))e.some(r=>n===r||n.startsWith(r+"."))&&t++;return t}function Be(s,e,t){return[e&&`${s}-hint`,t&&`${s}-err`].filter(Boolean).join(" ")||void 0}function fe({id:s,hint:e,error:t}){return l`
    ${e&&l`<p class="hint" id=${`${s}-hint`}>${e}</p>`}
    ${t&&l`<p class="field-error" id=${`${s}-err`} role="alert">${t}</p>`}
  `}function P({label:s,value:e,onInput:t,error:n,hint:r,rows:o,class:a,inputRef:i,mono:c,...p}){let d=z(),h={id:d,value:e??"",onInput:$=>t?.($.currentTarget.value),"aria-invalid":n?"true":void 0,"aria-describedby":Be(d,r,n),class:c?"mono":void 0,ref:i,...p};return l`
    <div class=${`field ${a||""}`}>
      <label for=${d}>${s}</label>
      ${o?l`<textarea rows=${o} spellcheck=${!1} ...${h}></textarea>`:l`<input type="text" ...${h} />`}
      <${fe} id=${d} hint=${r} error=${n} />
    </div>
  `}function ee({label:s,value:e,onChange:t,error:n,hint:r,class:o,...a}){let i=z();return l`
    <div class=${`field ${o||""}`}>
      <label for=${i}>${s}</label>
      <input
        id=${i}
        type="number"
        inputmode="decimal"
        value=${e??""}
        onInput=${c=>{let p=c.currentTarget.value;t?.(p===""?null:Number(p))}}
        aria-invalid=${n?"true":void 0}
        aria-describedby=${Be(i,r,n)}
        ...${a}
      />
      <${fe} id=${i} hint=${r} error=${n} />
    </div>
  `}function M({label:s,checked:e,onChange:t,hint:n,error:r,class:o,...a}){let i=z();return l`
    <div class=${`check ${o||""}`}>
      <input
        id=${i}
        type="checkbox"
        checked=${!!e}
        onChange=${c=>t?.(c.currentTarget.checked)}
        aria-invalid=${r?"true":void 0}
        aria-describedby=${Be(i,n,r)}
        ...${a}
      />
      <label for=${i}>${s}</label>
      <${fe} id=${i} hint=${n} error=${r} />
    </div>
  `}function Z({label:s,value:e,onChange:t,options:n,error:r,hint:o,class:a,...i}){let c=z();return l`
    <div class=${`field ${a||""}`}>
      <label for=${c}>${s}</label>
      <select
        id=${c}
        value=${e??""}
        onChange=${p=>t?.(p.currentTarget.value)}
        aria-invalid=${r?"true":void 0}
        aria-describedby=${Be(c,o,r)}
        ...${i}
      >
        ${n.map(p=>{let d=typeof p=="string"?{value:p,label:p}:p;return l`<option value=${d.value} disabled=${d.disabled}>${d.label}</option>`})}
      </select>
      <${fe} id=${c} hint=${o} error=${r} />
    </div>
  `}var Ws=s=>s.split(/[,\n]/).map(e=>e.trim()).filter(Boolean);function lt({label:s,value:e,onChange:t,error:n,hint:r,class:o,...a}){let i=z(),c=e||[],[p,d]=y(c.join(", "));return I(()=>{Ws(p).join(`
`)!==c.join(`
`)&&d(c.join(", "))},[c.join(`
`)]),l`
    <div class=${`field ${o||""}`}>
      <label for=${i}>${s}</label>
      <input
        id=${i}
        type="text"
        value=${p}
        onInput=${h=>{d(h.currentTarget.value),t?.(Ws(h.currentTarget.value))}}
        aria-invalid=${n?"true":void 0}
        aria-describedby=${Be(i,r||"Separate values with commas.",n)}
        ...${a}
      />
      <${fe} id=${i} hint=${r||"Separate values with commas."} error=${n} />
    </div>
  `}function te({message:s}){return s?l`<div class="form-error" role="alert">${s}</div>`:null}function ct(){let s=Y(null);return I(()=>s.current?.focus(),[]),s}var Kt=()=>C.collection("_superusers");function Ks({email:s="",onDone:e,submitLabel:t="Log in"}){let[n,r]=y(s),[o,a]=y(""),[i,c]=y(""),[p,d]=y(null),[h,$]=y(""),[u,m]=y(!1),[g,w]=y({message:"",fields:{}}),v=ct(),f=j=>{let N=L(j);!Object.keys(N.fields).length&&(N.status===400||N.status===401)&&(N.fields=p?{otp:N.message}:{password:N.message},N.message=""),w(N)},b=async j=>{let N=await Kt().requestOTP(n);d({otpId:N.otpId}),$(j||""),c(""),w({message:"",fields:{}})},_=async j=>{j.preventDefault(),m(!0);try{p?await Kt().authWithOTP(p.otpId,i.trim(),h?{mfaId:h}:{}):await Kt().authWithPassword(n,o,h?{mfaId:h}:{}),e?.()}catch(N){let T=N?.response?.mfaId;if(N.status===401&&T)try{p?(d(null),$(T),w({message:"Now enter your password (multi-factor authentication).",fields:{}})):await b(T)}catch(q){f(q)}else f(N)}finally{m(!1)}},x=async()=>{if(!n){w({message:"",fields:{email:"Enter your email first."}});return}m(!0);try{await b(h)}catch(j){f(j)}finally{m(!1)}},E=g.fields;return l`
    <form onSubmit=${_} novalidate>
      ${p?l`
            <p>We sent a one-time code to <strong>${n}</strong>.</p>
            <${P}
              label="One-time code"
              value=${i}
              onInput=${c}
              error=${E.otp||E.password}
              autocomplete="one-time-code"
              inputmode="numeric"
              required
              inputRef=${v}
            />
          `:l`
            <${P} label="Email" type="email" value=${n} onInput=${r} error=${E.identity||E.email}
              autocomplete="username" required inputRef=${s?void 0:v} autofocus=${!s} />
            <${P} label="Password" type="password" value=${o} onInput=${a} error=${E.password}
              autocomplete="current-password" required inputRef=${s?v:void 0} autofocus=${!!s} />
          `}
      <${te} message=${g.message} />
      <div class="actions">
        <button class="btn primary" type="submit" disabled=${u}>${u?"Checking…":p?"Verify code":t}</button>
        ${!p&&!h&&l`<button class="btn link" type="button" onClick=${x} disabled=${u}>Email me a one-time code instead</button>`}
        ${p&&l`<button class="btn link" type="button" onClick=${()=>b(h).catch(f)} disabled=${u}>Send a new code</button>`}
      </div>
    </form>
  `}function dt(){return l`
    <main class="center" id="main-content" tabindex="-1">
      <div class="card narrow">
        <div class="brand big">Galley</div>
        <h1>Log in</h1>
        <p class="muted">Superusers manage collections, records and settings here.</p>
        <${Ks} />
        <p class="muted small">
          First start? <code>galley serve</code> printed a link to create the first superuser
          (<a href="#/install">enter the install token</a>), or run <code>galley superuser upsert EMAIL PASSWORD</code>.
        </p>
      </div>
    </main>
  `}function Hs({email:s}){return l`
    <div class="card narrow">
      <p>Your session has ended. Log in again to go on: what you typed is kept.</p>
      <${Ks} email=${s} submitLabel="Log in again" />
      <button class="btn link" type="button" onClick=${Ae}>Log out instead</button>
    </div>
  `}function Js({query:s}){let[e,t]=y(s.token||""),[n,r]=y(""),[o,a]=y(""),[i,c]=y(""),[p,d]=y(!1),[h,$]=y({message:"",fields:{}}),u=ct(),m=async w=>{if(w.preventDefault(),o!==i){$({message:"",fields:{passwordConfirm:"The passwords do not match."}});return}d(!0);try{let v=await C.send("/api/install",{method:"POST",body:{token:e.trim(),email:n,password:o}});v?.token?C.authStore.save(v.token,v.record):await C.collection("_superusers").authWithPassword(n,o),ce("#/collections",{replace:!0})}catch(v){let f=L(v);f.status===403&&(f.fields={token:f.message},f.message=""),$(f)}finally{d(!1)}},g=h.fields;return l`
    <main class="center" id="main-content" tabindex="-1">
      <div class="card narrow">
        <div class="brand big">Galley</div>
        <h1>Create the first superuser</h1>
        <p class="muted">
          Superusers manage collections, records and settings. The install token is in the link
          <code>galley serve</code> printed; it works once, until the server stops.
        </p>
        <form onSubmit=${m} novalidate>
          <${P} label="Install token" value=${e} onInput=${t} error=${g.token} autocomplete="off" required
            inputRef=${s.token?void 0:u} mono />
          <${P} label="Email" type="email" value=${n} onInput=${r} error=${g.email} autocomplete="username" required
            inputRef=${s.token?u:void 0} />
          <${P} label="Password" type="password" value=${o} onInput=${a} error=${g.password}
            hint="At least 8 characters." autocomplete="new-password" required />
          <${P} label="Confirm password" type="password" value=${i} onInput=${c} error=${g.passwordConfirm}
            autocomplete="new-password" required />
          <${te} message=${h.message} />
          <div class="actions">
            <button class="btn primary" type="submit" disabled=${p}>${p?"Creating…":"Create superuser and log in"}</button>
            <a class="btn link" href="#/login">I already have an account</a>
          </div>
        </form>
      </div>
    </main>
  `}var oe=Pe({items:[],loaded:!1,error:null}),ze=null;function se(){return ze||(ze=C.collections.getFullList({perPage:500,sort:"name"}).then(s=>oe.set({items:s,loaded:!0,error:null})).catch(s=>oe.set(e=>({...e,error:s}))).finally(()=>{ze=null}),ze)}function ae(s){return s.system||s.name.startsWith("_")}var so=s=>{let e=s.type==="view"?["listRule","viewRule"]:["listRule","viewRule","createRule","updateRule","deleteRule"],t=e.filter(o=>s[o]==="").length,n=e.filter(o=>s[o]===null||s[o]===void 0).length,r=e.length-t-n;return[t&&`${t} public`,r&&`${r} by rule`,n&&`${n} superusers only`].filter(Boolean).join(", ")};function Vs(){let{items:s,loaded:e,error:t}=J(oe);I(()=>{se()},[]);let n=s.filter(a=>!ae(a)),r=s.filter(ae),o=a=>l`<tr key=${a.id}>
    <th scope="row"><a href=${`#/collections/${a.id}/edit`}>${a.name}</a>${ae(a)&&l` <span class="badge">system</span>`}</th>
    <td><span class=${`badge t-${a.type}`}>${a.type}</span></td>
    <td>${a.type==="view"?"from query":(a.fields||[]).length}</td>
    <td class="muted">${so(a)}</td>
  </tr>`;return l`
    <div class="page">
      <div class="page-head">
        <h1 tabindex="-1">Collections</h1>
        <div class="actions">
          <a class="btn" href="#/collections/import">Import</a>
          <a class="btn" href="#/collections/export">Export</a>
          <a class="btn primary" href="#/collections/new">New collection</a>
        </div>
      </div>
      ${t&&l`<p class="field-error" role="alert">Could not load the collections. <button class="btn link" onClick=${se}>Retry</button></p>`}
      ${e&&n.length===0&&l`<div class="empty">
        <h2>No collections yet</h2>
        <p>A collection is a table with an API: records, fields and rules. Start with an auth collection for your users, or a base collection for your data.</p>
        <p>
          <a class="btn primary" href="#/collections/new?type=auth">New auth collection</a>
          <a class="btn" href="#/collections/new?type=base">New base collection</a>
        </p>
      </div>`}
      ${!e&&!t&&l`<p role="status">Loading…</p>`}
      ${e&&l`<div class="table-wrap">
        <table class="list">
          <caption class="sr-only">All collections</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Fields</th><th scope="col">API access</th></tr></thead>
          <tbody>${n.map(o)}${r.map(o)}</tbody>
        </table>
      </div>`}
    </div>
  `}var Ht="galley.draft.";function Gs(s){try{let e=sessionStorage.getItem(Ht+s);return e?JSON.parse(e):null}catch{return null}}function Qs(s,e){try{sessionStorage.setItem(Ht+s,JSON.stringify(e))}catch{}}function Se(s){try{sessionStorage.removeItem(Ht+s)}catch{}}function Ce({open:s,title:e,onClose:t,children:n,wide:r}){let o=Y(null),a=z();return I(()=>{let i=o.current;i&&(s&&!i.open&&i.showModal(),!s&&i.open&&i.close())},[s]),l`
    <dialog ref=${o} class=${r?"wide":""} aria-labelledby=${a} onCancel=${i=>{i.preventDefault(),t?.()}}>
      ${s&&l`<h2 id=${a}>${e}</h2>${n}`}
    </dialog>
  `}function re({open:s,title:e,confirmLabel:t="Confirm",danger:n,onConfirm:r,onCancel:o,busy:a,children:i}){return l`
    <${Ce} open=${s} title=${e} onClose=${o}>
      <div class="dialog-body">${i}</div>
      <div class="actions">
        <button type="button" class="btn" onClick=${o} autofocus>Cancel</button>
        <button type="button" class=${`btn ${n?"danger":"primary"}`} disabled=${a} onClick=${r}>${t}</button>
      </div>
    <//>
  `}var Jt=Pe([]),no=1;function D(s,e="ok"){let t=no++;Jt.set(n=>[...n,{id:t,text:s,kind:e}]),setTimeout(()=>Jt.set(n=>n.filter(r=>r.id!==t)),e==="error"?8e3:4e3)}function ut(){let s=J(Jt);return l`
    <div class="toasts" role="status" aria-live="polite">
      ${s.map(e=>l`<div key=${e.id} class=${`toast ${e.kind}`}>${e.text}</div>`)}
    </div>
  `}var Vt=[["text","Plain text"],["editor","Rich text"],["number","Number"],["bool","Bool"],["email","Email"],["url","URL"],["date","Date and time"],["autodate","Autodate (set on create/update)"],["select","Select (one or more values)"],["file","File"],["relation","Relation (to records of a collection)"],["json","JSON"],["geoPoint","Geo point"],["password","Password"]],Ys=Object.fromEntries(Vt),Gt=[["listRule","List/Search rule","list and search records"],["viewRule","View rule","view a record"],["createRule","Create rule","create records"],["updateRule","Update rule","update records"],["deleteRule","Delete rule","delete records"]],Xs=[["authRule","Auth rule","log in (checked after the credentials)"],["manageRule","Manage rule","change other records' email, password and verified flag"]],oo=0,Zs=()=>`k${++oo}`;function Re(s){return{...s,fields:(s.fields||[]).map(e=>({...e,_key:e._key||e.id||Zs()}))}}function en(s){return{...{name:"",type:s,system:!1,hidden:!1,presentable:!1,required:!1,_key:Zs()},...{text:{min:0,max:0,pattern:"",autogeneratePattern:""},password:{min:8,max:0,pattern:"",cost:0},number:{min:null,max:null,onlyInt:!1},email:{exceptDomains:[],onlyDomains:[]},url:{exceptDomains:[],onlyDomains:[]},editor:{maxSize:0,convertURLs:!1},date:{min:"",max:""},autodate:{onCreate:!0,onUpdate:!1},select:{values:[],maxSelect:1},json:{maxSize:0},relation:{collectionId:"",cascadeDelete:!1,minSelect:0,maxSelect:1},file:{maxSelect:1,maxSize:0,mimeTypes:[],thumbs:[],protected:!1}}[s]||{}}}function pt(s){let e={};for(let[t,n]of Object.entries(s))t.startsWith("_")||t==="created"||t==="updated"||(e[t]=n);return e.fields=(s.fields||[]).map(t=>{let n={};for(let[r,o]of Object.entries(t))!r.startsWith("_")&&!(r==="id"&&!o)&&(n[r]=o);return n}),e.indexes=s.indexes||[],s.type==="view"&&delete e.indexes,e}function Qt(s,e){if(!s?.id)return[];let t=[];if(s.name!==e.name&&t.push({kind:"rename",text:`The collection “${s.name}” is renamed to “${e.name}”: API URLs, rules and @collection.${s.name} references elsewhere must change.`}),s.type==="view")return s.viewQuery!==e.viewQuery&&t.push({kind:"query",text:"The view query changes: the view’s fields are derived again from it."}),t;let n=new Map(e.fields.filter(o=>o.id).map(o=>[o.id,o]));for(let o of s.fields||[]){let a=n.get(o.id);if(!a){t.push({kind:"delete",text:`The field “${o.name}” (${o.type}) is deleted, with its data in every record.`});continue}if(a.name!==o.name&&t.push({kind:"rename",text:`The field “${o.name}” is renamed to “${a.name}”: clients, rules and filters that use “${o.name}” must change.`}),["select","relation","file"].includes(o.type)&&o.maxSelect>1&&a.maxSelect<=1&&t.push({kind:"delete",text:`The field “${a.name}” goes from several values to one: records that have more keep only one.`}),o.type==="select"){let i=(o.values||[]).filter(c=>!(a.values||[]).includes(c));i.length&&t.push({kind:"delete",text:`The field “${a.name}” no longer allows ${i.map(c=>`“${c}”`).join(", ")}: records that hold them keep values the field no longer accepts.`})}}let r=(s.indexes||[]).filter(o=>!(e.indexes||[]).includes(o));return r.length&&t.push({kind:"index",text:`${r.length} index${r.length>1?"es are":" is"} dropped or changed.`}),t}function ro({f:s,set:e,err:t,all:n,selfId:r}){let o=(d,h,$)=>l`<${ee} label=${h} value=${s[d]} onChange=${u=>e({[d]:u??0})} error=${t[d]} hint=${$} min="0" />`,a=(d,h)=>l`<${ee} label=${h} value=${s[d]} onChange=${$=>e({[d]:$})} error=${t[d]} hint="Empty: no bound." />`,i=(d,h,$)=>l`<${P} label=${h} value=${s[d]} onInput=${u=>e({[d]:u})} error=${t[d]} hint=${$} mono />`,c=(d,h,$)=>l`<${lt} label=${h} value=${s[d]} onChange=${u=>e({[d]:u})} error=${t[d]} hint=${$} />`,p=(d,h,$)=>l`<${M} label=${h} checked=${s[d]} onChange=${u=>e({[d]:u})} error=${t[d]} hint=${$} />`;switch(s.type){case"text":return l`<div class="grid">
        ${o("min","Min length","0: no minimum.")} ${o("max","Max length","0: the default (5000).")}
        ${i("pattern","Pattern","A regular expression values must match.")}
        ${i("autogeneratePattern","Autogenerate pattern","Fills empty values, e.g. [a-z0-9]{8}.")}
      </div>`;case"password":return l`<div class="grid">
        ${o("min","Min length")} ${o("max","Max length","0: 71 bytes (bcrypt).")}
        ${i("pattern","Pattern")} ${o("cost","bcrypt cost","0: the default (10).")}
      </div>`;case"number":return l`<div class="grid">${a("min","Min")} ${a("max","Max")} ${p("onlyInt","Integers only")}</div>`;case"email":case"url":return l`<div class="grid">
        ${c("onlyDomains","Only domains","Allow only these domains (comma-separated).")}
        ${c("exceptDomains","Except domains","Refuse these domains (comma-separated).")}
      </div>`;case"editor":return l`<div class="grid">${o("maxSize","Max size (bytes)","0: the default.")} ${p("convertURLs","Convert URLs to relative")}</div>`;case"date":return l`<div class="grid">
        ${i("min","Earliest","e.g. 2024-01-01 00:00:00.000Z; empty: none.")} ${i("max","Latest","Empty: none.")}
      </div>`;case"autodate":return l`<div class="grid">${p("onCreate","Set on create")} ${p("onUpdate","Set on update")}</div>`;case"select":return l`<div class="grid">
        ${c("values","Values","The allowed values, comma-separated.")}
        ${o("maxSelect","Max selected","1: one value; more: a list.")}
      </div>`;case"json":return l`<div class="grid">${o("maxSize","Max size (bytes)","0: 1 MiB.")}</div>`;case"relation":{let d=n;return l`<div class="grid">
        <${Z}
          label="Related collection"
          value=${s.collectionId}
          onChange=${h=>e({collectionId:h})}
          error=${t.collectionId}
          options=${[{value:"",label:"Choose a collection…"},...d.map(h=>({value:h.id,label:`${h.name} (${h.type})`}))]}
        />
        ${o("minSelect","Min selected")} ${o("maxSelect","Max selected","1: one record; more: a list.")}
        ${p("cascadeDelete","Cascade delete","Deleting the related record deletes this one.")}
      </div>`}case"file":return l`<div class="grid">
        ${o("maxSelect","Max files","1: one file; more: a list.")} ${o("maxSize","Max size (bytes)","0: 5 MiB.")}
        ${c("mimeTypes","MIME types","e.g. image/png, image/jpeg; empty: any.")}
        ${c("thumbs","Thumb sizes","e.g. 100x100, 0x300, 200x200t.")}
        ${p("protected","Protected","Files need a file token whose record passes the view rule.")}
      </div>`;default:return null}}function io({f:s,index:e,count:t,set:n,remove:r,move:o,err:a,all:i,selfId:c,isNew:p,focusRef:d}){let[h,$]=y(p),u=z(),m=a,g=Object.keys(m).some(v=>v!=="name");I(()=>{g&&$(!0)},[g]);let w=`Field ${e+1}: ${s.name||"new field"} (${s.type})`;return l`
    <fieldset class=${`field-card ${s.system?"system":""}`}>
      <legend class="sr-only">${w}</legend>
      <div class="field-row">
        <span class=${`type-badge t-${s.type}`} title=${Ys[s.type]}>${s.type}</span>
        <${P}
          class="grow"
          label="Name"
          value=${s.name}
          onInput=${v=>n({name:v})}
          error=${m.name}
          disabled=${s.system}
          inputRef=${d}
          autocomplete="off"
          spellcheck=${!1}
        />
        ${s.system&&l`<span class="badge">system</span>`}
        <div class="row-actions">
          <${M} label="Required" checked=${s.required} onChange=${v=>n({required:v})} error=${m.required} />
          <button type="button" class="btn icon" onClick=${()=>o(-1)} disabled=${e===0} aria-label=${`Move ${s.name||"field"} up`} title="Move up">↑</button>
          <button type="button" class="btn icon" onClick=${()=>o(1)} disabled=${e===t-1} aria-label=${`Move ${s.name||"field"} down`} title="Move down">↓</button>
          <button type="button" class="btn" aria-expanded=${h?"true":"false"} aria-controls=${u} onClick=${()=>$(!h)}>
            Options<span class="sr-only"> of ${s.name||"the new field"}</span>
          </button>
          ${!s.system&&l`<button type="button" class="btn danger-text" onClick=${r} aria-label=${`Remove field ${s.name||e+1}`}>Remove</button>`}
        </div>
      </div>
      <div id=${u} class="field-options" hidden=${!h}>
        <div class="grid">
          <${M} label="Hidden" checked=${s.hidden} onChange=${v=>n({hidden:v})} hint="Only superusers see it in API answers." />
          <${M} label="Presentable" checked=${s.presentable} onChange=${v=>n({presentable:v})} hint="Shown for this record in relation pickers." />
        </div>
        <${ro} f=${s} set=${n} err=${m} all=${i} selfId=${c} />
      </div>
    </fieldset>
  `}function tn({draft:s,update:e,orig:t,errors:n,all:r}){let[o,a]=y("text"),i=Y(null),c=Y(null),p=s.fields;I(()=>{i.current&&c.current&&(c.current.focus(),i.current=null)});let d=(f,b)=>e(_=>({..._,fields:_.fields.map((x,E)=>E===f?{...x,...b}:x)})),h=f=>e(b=>({...b,fields:b.fields.filter((_,x)=>x!==f)})),$=(f,b)=>e(_=>{let x=[..._.fields],E=f+b;return E<0||E>=x.length?_:([x[f],x[E]]=[x[E],x[f]],{..._,fields:x})}),u=()=>{let f=en(o);i.current=f._key,e(b=>{let _=[...b.fields],x=_.length;for(;x>0&&_[x-1].type==="autodate"&&["created","updated"].includes(_[x-1].name);)x--;return _.splice(x,0,f),{...b,fields:_}})},m=new Set(p.map(f=>f.id).filter(Boolean)),g=(t?.fields||[]).filter(f=>!m.has(f.id)),w=new Set((t?.fields||[]).map(f=>f.id)),v=f=>e(b=>({...b,fields:[...b.fields,{...f,_key:f.id}]}));return l`
    <div class="fields">
      ${p.map((f,b)=>l`<${io}
          key=${f._key}
          f=${f}
          index=${b}
          count=${p.length}
          set=${_=>d(b,_)}
          remove=${()=>h(b)}
          move=${_=>$(b,_)}
          err=${zs(n,`fields.${b}`)}
          all=${r}
          selfId=${s.id}
          isNew=${!f.id||t&&!w.has(f.id)}
          focusRef=${i.current===f._key?c:void 0}
        />`)}
      ${g.length>0&&l`<div class="removed" role="region" aria-label="Removed fields">
        <p><strong>Removed, deleted with their data when you save:</strong></p>
        <ul>
          ${g.map(f=>l`<li key=${f.id}><s>${f.name}</s> (${f.type}) <button type="button" class="btn small" onClick=${()=>v(f)}>Restore ${f.name}</button></li>`)}
        </ul>
      </div>`}
      <div class="add-field">
        <${Z} label="New field type" value=${o} onChange=${a} options=${Vt.map(([f,b])=>({value:f,label:b}))} />
        <button type="button" class="btn" onClick=${u}>Add field</button>
      </div>
    </div>
  `}var ao=[["=","equal"],["!=","not equal"],[">","greater than"],[">=","greater or equal"],["<","less than"],["<=","less or equal"],["~","contains (like)"],["!~","does not contain"],["?=","any equal"],["?!=","any not equal"],["?~","any contains"],["&&","and"],["||","or"]],lo=[[":isset","the request sent the key"],[":changed","the request changes the field"],[":length","number of items"],[":each","every item matches"],[":lower","lower-cased value"]],co=["@now","@second","@minute","@hour","@weekday","@day","@month","@year","@yesterday","@tomorrow","@todayStart","@todayEnd","@monthStart","@monthEnd","@yearStart","@yearEnd"],sn=/[\w@.:]/,uo=["id","created","updated"];function nn(s){return(s?.fields||[]).map(e=>e.name).filter(Boolean)}function an(s,e){let t=[],n=(i,c)=>t.push([i,c]),r=new Map(e.map(i=>[i.id,i]));for(let i of s?.fields||[])if(i.name&&(n(i.name,i.type),i.type==="relation"&&r.get(i.collectionId)))for(let c of r.get(i.collectionId).fields||[])n(`${i.name}.${c.name}`,`${c.type} of ${r.get(i.collectionId).name}`);if(s?.id)for(let i of e)for(let c of i.fields||[])c.type==="relation"&&c.collectionId===s.id&&n(`${i.name}_via_${c.name}`,`${i.name} records pointing here`);let o=new Map([["id",["text",["every auth collection"]]],["collectionName",["text",["the auth collection name"]]],["collectionId",["text",["the auth collection id"]]]]),a=e.filter(i=>i.type==="auth").sort((i,c)=>Number(i.name.startsWith("_"))-Number(c.name.startsWith("_")));s?.type==="auth"&&!a.some(i=>i.id&&i.id===s.id)&&a.unshift(s);for(let i of a)for(let c of i.fields||[])!c.name||c.name==="tokenKey"||c.name==="password"||c.name==="id"||(o.has(c.name)||o.set(c.name,[c.type,[]]),o.get(c.name)[1].push(i.name||"this collection"));for(let[i,[c,p]]of o)n(`@request.auth.${i}`,i==="id"||i.startsWith("collection")?p[0]:`${c} (${p.join(", ")})`);for(let i of s?.fields||[])i.name&&n(`@request.body.${i.name}`,`sent ${i.type}`);n("@request.query.","a query parameter"),n("@request.headers.","a header (lower case, - as _)"),n("@request.method","GET, POST, PATCH, DELETE"),n("@request.context","default, oauth2, otp, password, realtime, protectedFile");for(let i of e)for(let c of nn(i).length?nn(i):uo)n(`@collection.${i.name}.${c}`,`${i.name}`);for(let i of co)n(i,"date macro");return t}function po(s,e){let t=e;for(;t>0&&sn.test(s[t-1]);)t--;let n=e;for(;n<s.length&&sn.test(s[n]);)n++;return[t,n]}function ln(s,e,t,n=10){let[r]=po(s,e),o=s.slice(r,e),a=e;if(o.includes(":")){let d=o.slice(0,o.indexOf(":")),h=o.slice(o.indexOf(":")),$=lo.filter(([u])=>u.startsWith(h)&&u!==h).map(([u,m])=>({insert:d+u,label:d+u,detail:m}));return{start:r,end:a,items:$}}if(o===""){let d=s[r-1];if(d!==void 0&&d!=="("&&!/\s/.test(d))return{start:r,end:a,items:[]};let h=r-1;for(;h>=0&&/\s/.test(s[h]);)h--;let $=h>=0?s[h]:"";if($&&/[\w'")\]]/.test($))return{start:r,end:a,items:ao.map(([u,m])=>({insert:u+" ",label:u,detail:m}))}}let i=o.toLowerCase(),c=new Set,p=[];for(let[d,h]of t){if(!d.toLowerCase().startsWith(i)||d===o)continue;let $=d.indexOf(".",o.length),u=$>=0?d.slice(0,$+1):d;u===o||c.has(u)||(c.add(u),p.push({insert:u,label:u,detail:$>=0?"":h}))}return p.sort((d,h)=>on(d.insert)-on(h.insert)||rn(d.insert)-rn(h.insert)||d.insert.localeCompare(h.insert)),{start:r,end:a,items:p.slice(0,n)}}function on(s){return s.startsWith("@")?s.startsWith("@request")?1:s.startsWith("@collection")?2:3:0}function rn(s){return s==="id"||s.endsWith(".id")?0:1}var cn=!1;function mo(s){let e=ho(s);return e.name=e.name||"new_collection",e.fields=(e.fields||[]).filter(t=>t.name),e}function ho(s){let e={...s};return e.fields=(s.fields||[]).map(t=>{let n={};for(let[r,o]of Object.entries(t))r.startsWith("_")||(n[r]=o);return n}),e}function We(s,e,t="rule"){let[n,r]=y({state:"idle",message:""}),o=Y(0),a=Ee(()=>s?JSON.stringify(mo(e)):"",[s,e]);return I(()=>{if(cn||s==null||s.trim()===""){r({state:"idle",message:""});return}let i=++o.current,c=setTimeout(async()=>{try{await C.send("/api/collections/meta/check-rule",{method:"POST",body:{collection:JSON.parse(a),rule:s,kind:t}}),i===o.current&&r({state:"ok",message:""})}catch(p){if(i!==o.current)return;if(p.status===404){cn=!0,r({state:"idle",message:""});return}let d=L(p).fields;r(d.rule?{state:"error",message:d.rule}:{state:"idle",message:""})}},300);return()=>clearTimeout(c)},[s,a,t]),n}function mt({label:s,value:e,onChange:t,collection:n,all:r,error:o,hint:a,lockable:i=!0,kind:c="rule",lockedHint:p}){let d=z(),h=e==null,$=Y(h?"":e);h||($.current=e);let u=We(h?null:e,n,c),m=u.state==="error"&&u.message||o||"";return l`
    <div class="rule">
      <div class="rule-head">
        <label for=${d} class="rule-label">${s}</label>
        ${i&&l`<span class="check inline">
          <input
            type="checkbox"
            id=${`${d}-lock`}
            checked=${h}
            onChange=${g=>t(g.currentTarget.checked?null:$.current)}
          />
          <label for=${`${d}-lock`}>Superusers only<span class="sr-only"> (${s})</span></label>
        </span>`}
      </div>
      ${h?l`<p class="locked-note" id=${`${d}-locked`}>${p||"Locked: only superusers."} <span class="muted">Untick “Superusers only” to write a rule.</span></p>`:l`<${Ke} id=${d} value=${e} onChange=${t} collection=${n} all=${r}
              invalid=${!!m} describedBy=${[`${d}-hint`,m&&`${d}-err`].filter(Boolean).join(" ")} />`}
      ${!h&&l`<p class="hint" id=${`${d}-hint`}>${a}${u.state==="ok"?l` <span class="ok-note">Valid rule.</span>`:""}</p>`}
      <div aria-live="polite">${m&&!h?l`<p class="field-error" id=${`${d}-err`}>${m}</p>`:null}</div>
    </div>
  `}function Ke({id:s,value:e,onChange:t,collection:n,all:r,invalid:o,describedBy:a,placeholder:i,rows:c=2}){let p=Y(null),[d,h]=y(null),[$,u]=y(0),m=Ee(()=>an(n,r||[]),[n,r]),g=`${s}-list`,w=(b,_)=>{let x=ln(b,_,m);h(x.items.length?x:null),u(0)},v=b=>{let _=p.current,x=e||"",E=x.slice(0,d.start)+b.insert+x.slice(d.end),j=d.start+b.insert.length;t(E),requestAnimationFrame(()=>{_.focus(),_.setSelectionRange(j,j),b.insert.endsWith(".")?w(E,j):h(null)})},f=b=>{if(b.key===" "&&b.ctrlKey){b.preventDefault(),w(e||"",b.currentTarget.selectionStart);return}d&&(b.key==="ArrowDown"?(b.preventDefault(),u(_=>(_+1)%d.items.length)):b.key==="ArrowUp"?(b.preventDefault(),u(_=>(_-1+d.items.length)%d.items.length)):b.key==="Enter"?(b.preventDefault(),v(d.items[$])):b.key==="Escape"?(b.preventDefault(),b.stopPropagation(),h(null)):b.key==="Tab"&&h(null))};return l`
    <div class="combo">
      <textarea
        ref=${p}
        id=${s}
        class="mono"
        rows=${c}
        spellcheck=${!1}
        autocomplete="off"
        placeholder=${i??'Empty: everyone. Example: @request.auth.id != ""'}
        value=${e||""}
        aria-invalid=${o?"true":void 0}
        aria-describedby=${a}
        aria-autocomplete="list"
        aria-controls=${d?g:void 0}
        aria-activedescendant=${d?`${g}-${$}`:void 0}
        onInput=${b=>{t(b.currentTarget.value),w(b.currentTarget.value,b.currentTarget.selectionStart)}}
        onKeyDown=${f}
        onBlur=${()=>setTimeout(()=>h(null),150)}
      ></textarea>
      ${d&&l`<ul class="suggestions" role="listbox" id=${g} aria-label="Suggestions">
        ${d.items.map((b,_)=>l`<li
            id=${`${g}-${_}`}
            role="option"
            aria-selected=${_===$?"true":"false"}
            class=${_===$?"active":""}
            onMouseDown=${x=>{x.preventDefault(),v(b)}}
          >
            <span class="mono">${b.label}</span>${b.detail&&l`<span class="muted"> ${b.detail}</span>`}
          </li>`)}
      </ul>`}
      <span class="sr-only" aria-live="polite">${d?`${d.items.length} suggestions, use the arrow keys and Enter.`:""}</span>
    </div>
  `}function dn({draft:s,update:e,errors:t,all:n}){let r=s.type==="view",o=r?Gt.slice(0,2):Gt,a=(c,p)=>e(d=>({...d,[c]:p})),i=([c,p,d])=>l`<${mt}
    key=${c}
    label=${p}
    value=${s[c]}
    onChange=${h=>a(c,h)}
    collection=${s}
    all=${n}
    error=${t[c]}
    hint=${c==="authRule"?"Empty: every record with valid credentials can log in.":`Empty: everyone (guests too) can ${d}. A rule: only requests that match it.`}
    lockedHint=${c==="manageRule"?"Locked: only superusers manage other records.":`Locked: only superusers can ${d}.`}
  />`;return l`
    <div class="rules">
      <p class="muted">
        A rule is a filter: <code>@request.auth.id != ""</code> lets any logged-in user in, <code>owner = @request.auth.id</code>${" "}only a record's owner.
        Suggestions appear as you type (↑ ↓ to choose, Enter to insert, Ctrl+Space to ask).
        ${r&&" A view is read-only: it has only list and view rules."}
      </p>
      ${o.map(i)}
      ${s.type==="auth"&&l`<h2 class="sub">Auth collection rules</h2>${Xs.map(i)}`}
    </div>
  `}function un({draft:s,update:e,errors:t}){let n=s.indexes||[],r=(i,c)=>e(p=>({...p,indexes:p.indexes.map((d,h)=>h===i?c:d)})),o=i=>e(c=>({...c,indexes:c.indexes.filter((p,d)=>d!==i)})),a=i=>e(c=>{let p=c.name||"collection",d=c.fields.find($=>!$.system&&$.name)?.name||"field",h=`CREATE ${i?"UNIQUE ":""}INDEX \`idx_${p}_${d}\` ON \`${p}\` (\`${d}\`)`;return{...c,indexes:[...c.indexes||[],h]}});return l`
    <div class="indexes">
      <p class="muted">Indexes make filters and sorts on these fields fast; a unique index refuses duplicate values.</p>
      ${n.length===0&&l`<p>No indexes yet.</p>`}
      ${n.map((i,c)=>l`<div class="index-row" key=${c}>
          <${P} class="grow" label=${`Index ${c+1}`} value=${i} onInput=${p=>r(c,p)} error=${t[`indexes.${c}`]} mono rows="2" />
          <button type="button" class="btn danger-text" onClick=${()=>o(c)} aria-label=${`Remove index ${c+1}`}>Remove</button>
        </div>`)}
      ${t.indexes&&l`<p class="field-error">${t.indexes}</p>`}
      <div class="actions">
        <button type="button" class="btn" onClick=${()=>a(!1)}>Add index</button>
        <button type="button" class="btn" onClick=${()=>a(!0)}>Add unique index</button>
      </div>
    </div>
  `}function pn({draft:s,update:e,errors:t,saved:n}){return l`
    <div class="view-query">
      <${P}
        label="View query"
        rows="8"
        mono
        value=${s.viewQuery}
        onInput=${r=>e(o=>({...o,viewQuery:r}))}
        error=${t.viewQuery}
        hint="One SELECT over your collections; it needs an id column. Its columns become the view's fields. Saving checks it."
        placeholder="SELECT id, title, created FROM posts WHERE published = true"
      />
      ${n?.id?l`<${fo} collection=${n} stale=${n.viewQuery!==s.viewQuery} />`:l`<p class="muted">Save the view to see a preview of its records.</p>`}
    </div>
  `}function fo({collection:s,stale:e}){let[t,n]=y({loading:!0,items:[],total:0,error:""}),r=async()=>{n(a=>({...a,loading:!0}));try{let a=await C.collection(s.id).getList(1,10);n({loading:!1,items:a.items,total:a.totalItems,error:""})}catch(a){n({loading:!1,items:[],total:0,error:L(a).message})}};I(()=>{r()},[s.id,s.updated]);let o=(s.fields||[]).map(a=>a.name).filter(a=>!["collectionId","collectionName"].includes(a)).slice(0,8);return l`
    <section class="preview" aria-labelledby="preview-h">
      <div class="section-head">
        <h2 id="preview-h" class="sub">Preview of the saved view</h2>
        <button type="button" class="btn small" onClick=${r}>Refresh preview</button>
      </div>
      ${e&&l`<p class="warn-note">The query has unsaved changes: save to preview them.</p>`}
      ${t.loading&&l`<p role="status">Loading…</p>`}
      ${t.error&&l`<p class="field-error" role="alert">${t.error}</p>`}
      ${!t.loading&&!t.error&&l`<p class="muted small">${t.total} record${t.total===1?"":"s"}${t.total>10?", the first 10 shown":""}.</p>
        <div class="table-wrap" tabindex="0" role="region" aria-label="Preview records">
          <table>
            <thead><tr>${o.map(a=>l`<th scope="col">${a}</th>`)}</tr></thead>
            <tbody>
              ${t.items.map(a=>l`<tr>${o.map(i=>l`<td>${bo(a[i])}</td>`)}</tr>`)}
            </tbody>
          </table>
        </div>`}
    </section>
  `}function bo(s){if(s==null||s==="")return l`<span class="muted">—</span>`;let e=typeof s=="object"?JSON.stringify(s):String(s);return e.length>80?e.slice(0,80)+"…":e}var go=[["google","Google"],["github","GitHub"],["gitlab","GitLab"],["microsoft","Microsoft"],["discord","Discord"],["oidc","OpenID Connect"],["oidc2","OpenID Connect (2)"],["oidc3","OpenID Connect (3)"]],$o=[["authToken","Auth token","How long a log-in lasts."],["verificationToken","Verification token","The link in the verification mail."],["passwordResetToken","Password reset token","The link in the reset mail."],["emailChangeToken","Email change token","The link confirming a new address."],["fileToken","File token","Access to protected files."]],mn=[["verificationTemplate","Verification mail"],["resetPasswordTemplate","Password reset mail"],["confirmEmailChangeTemplate","Email change mail"],["otp.emailTemplate","One-time code mail"],["authAlert.emailTemplate","New device log-in alert"]],hn=(s,e)=>e.split(".").reduce((t,n)=>t?.[n],s);function fn(s,e,t){let[n,...r]=e.split(".");return{...s,[n]:r.length?fn(s?.[n]||{},r.join("."),t):t}}function yo(){let s="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",e=crypto.getRandomValues(new Uint8Array(50));return Array.from(e,t=>s[t%s.length]).join("")}function Oe({title:s,children:e}){return l`<section class="opt-section"><h2>${s}</h2>${e}</section>`}function bn({draft:s,update:e,errors:t,all:n}){let r=(m,g)=>e(w=>fn(w,m,g)),o=t,a=s.fields.filter(m=>(m.type==="text"||m.type==="email")&&m.name&&m.name!=="id"&&m.name!=="tokenKey"),i=s.passwordAuth?.identityFields||[],c=s.oauth2?.providers||[],[p,d]=y(mn[0][0]),h=[{value:"",label:"(none)"},...s.fields.filter(m=>m.name&&!m.system).map(m=>({value:m.name,label:m.name}))],$=(m,g)=>r("oauth2.providers",c.map((w,v)=>v===m?{...w,...g}:w)),u=Object.entries(o).find(([m])=>m.startsWith("passwordAuth.identityFields"))?.[1];return l`
    <div class="auth-options">
      <${Oe} title="Password">
        <${M} label="Log in with a password" checked=${s.passwordAuth?.enabled} onChange=${m=>r("passwordAuth.enabled",m)} error=${o["passwordAuth.enabled"]} />
        <fieldset class="inline-group">
          <legend>Identity fields (what users type as their login)</legend>
          ${a.map(m=>l`<${M}
              key=${m.name}
              label=${m.name}
              checked=${i.includes(m.name)}
              onChange=${g=>r("passwordAuth.identityFields",g?[...i,m.name]:i.filter(w=>w!==m.name))}
            />`)}
          ${u&&l`<p class="field-error">${u}</p>`}
        </fieldset>
      <//>
      <${Oe} title="One-time codes by mail (OTP)">
        <${M} label="Log in with a one-time code" checked=${s.otp?.enabled} onChange=${m=>r("otp.enabled",m)} />
        <div class="grid">
          <${ee} label="Code length" value=${s.otp?.length} onChange=${m=>r("otp.length",m??0)} error=${o["otp.length"]} min="4" max="32" />
          <${ee} label="Code valid for (seconds)" value=${s.otp?.duration} onChange=${m=>r("otp.duration",m??0)} error=${o["otp.duration"]} />
        </div>
      <//>
      <${Oe} title="Multi-factor authentication (MFA)">
        <${M} label="Require two different methods" checked=${s.mfa?.enabled} onChange=${m=>r("mfa.enabled",m)}
          hint="A log-in then needs two methods (for example the password and a one-time code) within the duration." />
        <${ee} label="Second method within (seconds)" value=${s.mfa?.duration} onChange=${m=>r("mfa.duration",m??0)} error=${o["mfa.duration"]} />
        <${mt} label="MFA rule" value=${s.mfa?.rule??""} onChange=${m=>r("mfa.rule",m??"")} collection=${s} all=${n}
          error=${o["mfa.rule"]} lockable=${!1} hint="Empty: MFA for every record. A rule: only for records it matches." />
      <//>
      <${Oe} title="OAuth2">
        <${M} label="Log in with OAuth2 providers" checked=${s.oauth2?.enabled} onChange=${m=>r("oauth2.enabled",m)} />
        ${c.map((m,g)=>l`<fieldset class="provider" key=${g}>
            <legend>Provider ${g+1}: ${m.displayName||m.name||"new"}</legend>
            <div class="grid">
              <${Z} label="Provider" value=${m.name} onChange=${w=>$(g,{name:w})} error=${o[`oauth2.providers.${g}.name`]}
                options=${[{value:"",label:"Choose…"},...go.map(([w,v])=>({value:w,label:v}))]} />
              <${P} label="Display name" value=${m.displayName} onInput=${w=>$(g,{displayName:w})} />
              <${P} label="Client ID" value=${m.clientId} onInput=${w=>$(g,{clientId:w})} error=${o[`oauth2.providers.${g}.clientId`]} autocomplete="off" />
              <${P} label="Client secret" type="password" value=${m.clientSecret} onInput=${w=>$(g,{clientSecret:w})}
                error=${o[`oauth2.providers.${g}.clientSecret`]} autocomplete="new-password" hint="Never shown again; leave empty to keep the saved one." />
              ${m.name?.startsWith("oidc")&&l`
                <${P} label="Auth URL" value=${m.authURL} onInput=${w=>$(g,{authURL:w})} error=${o[`oauth2.providers.${g}.authURL`]} />
                <${P} label="Token URL" value=${m.tokenURL} onInput=${w=>$(g,{tokenURL:w})} error=${o[`oauth2.providers.${g}.tokenURL`]} />
                <${P} label="User info URL" value=${m.userInfoURL} onInput=${w=>$(g,{userInfoURL:w})} error=${o[`oauth2.providers.${g}.userInfoURL`]} />
              `}
              <${M} label="PKCE" checked=${m.pkce!==!1} onChange=${w=>$(g,{pkce:w})} />
            </div>
            <button type="button" class="btn danger-text" onClick=${()=>r("oauth2.providers",c.filter((w,v)=>v!==g))}>Remove provider ${g+1}</button>
          </fieldset>`)}
        <button type="button" class="btn" onClick=${()=>r("oauth2.providers",[...c,{name:"",clientId:"",clientSecret:"",displayName:"",authURL:"",tokenURL:"",userInfoURL:"",pkce:!0,extra:{}}])}>
          Add OAuth2 provider
        </button>
        <fieldset class="inline-group">
          <legend>Fields filled from the provider's profile</legend>
          <div class="grid">
            ${["name","username","avatarURL"].map(m=>l`<${Z} key=${m} label=${`Provider ${m}`} value=${s.oauth2?.mappedFields?.[m]||""}
                onChange=${g=>r(`oauth2.mappedFields.${m}`,g)} error=${o[`oauth2.mappedFields.${m}`]} options=${h} />`)}
          </div>
        </fieldset>
      <//>
      <${Oe} title="Token durations">
        <div class="grid">
          ${$o.map(([m,g,w])=>l`<div key=${m}>
              <${ee} label=${`${g} (seconds)`} value=${s[m]?.duration} onChange=${v=>r(`${m}.duration`,v??0)} error=${o[`${m}.duration`]} hint=${w} />
              ${s.id&&l`<${M} label=${`Invalidate all ${g.toLowerCase()}s on save`} checked=${!!s[m]?.secret}
                onChange=${v=>r(`${m}.secret`,v?yo():void 0)} />`}
            </div>`)}
        </div>
      <//>
      <${Oe} title="New device alert">
        <${M} label="Mail users when they log in from a new device" checked=${s.authAlert?.enabled} onChange=${m=>r("authAlert.enabled",m)} />
      <//>
      <${Oe} title="Mail templates">
        <${Z} label="Template" value=${p} onChange=${d} options=${mn.map(([m,g])=>({value:m,label:g}))} />
        <${P} label="Subject" value=${hn(s,`${p}.subject`)} onInput=${m=>r(`${p}.subject`,m)} error=${o[`${p}.subject`]}
          hint="Empty: Galley's default text." />
        <${P} label="Body (HTML)" rows="8" mono value=${hn(s,`${p}.body`)} onInput=${m=>r(`${p}.body`,m)} error=${o[`${p}.body`]}
          hint="Placeholders: {APP_NAME} {APP_URL} {TOKEN} {OTP} {ACTION_URL} {RECORD:field}. Empty: the default." />
      <//>
    </div>
  `}var vo=[{value:"base",label:"Base: records with fields"},{value:"auth",label:"Auth: users who log in"},{value:"view",label:"View: a read-only SQL query"}],wo=["passwordAuth","oauth2","otp","mfa","authToken","passwordResetToken","emailChangeToken","verificationToken","fileToken","authAlert","verificationTemplate","resetPasswordTemplate","confirmEmailChangeTemplate"];function _o(s){let e=[];return s==="view"?e.push({id:"query",label:"Query",keys:["viewQuery"]}):e.push({id:"fields",label:"Fields",keys:["fields"]}),e.push({id:"rules",label:"API rules",keys:["listRule","viewRule","createRule","updateRule","deleteRule","authRule","manageRule"]}),s==="auth"&&e.push({id:"options",label:"Auth options",keys:wo}),s!=="view"&&e.push({id:"indexes",label:"Indexes",keys:["indexes"]}),e}var gn=(s,e)=>JSON.stringify(pt(s))===JSON.stringify(pt(e)),ht=null;function $n(){return ht??(ht=C.collections.getScaffolds().catch(s=>{throw ht=null,s})),ht}function Yt({params:s,query:e}){let t=!s.id,n=`collection:${s.id||"new"}`,{items:r}=J(oe),[o,a]=y(null),[i,c]=y(null),[p,d]=y(!1),[h,$]=y(""),[u,m]=y({message:"",fields:{}}),[g,w]=y(null),[v,f]=y(!1),[b,_]=y(null),x=Y({});I(()=>{let k=!0;return(async()=>{try{let S;if(t){let K=await $n(),R=["base","auth","view"].includes(e.type)?e.type:"base";S=Re({...structuredClone(K[R]),name:""}),delete S.id}else S=Re(await C.collections.getOne(s.id));if(!k)return;let O=Gs(n);a(t?null:S),O&&(t?O.draft:O.baseUpdated===S.updated)&&!gn(O.draft,S)?(c(O.draft),d(!0)):c(S)}catch(S){k&&$(L(S).message)}})(),()=>{k=!1}},[s.id]);let E=i&&(o?!gn(o,i):!0);I(()=>{i&&(E&&(!t||i.name||i.fields.some(k=>!k.system&&k.name))?Qs(n,{draft:i,baseUpdated:o?.updated||""}):E||Se(n))},[i]),I(()=>{if(!E)return;let k=S=>{S.preventDefault(),S.returnValue=""};return window.addEventListener("beforeunload",k),()=>window.removeEventListener("beforeunload",k)},[E]);let j=Ee(()=>_o(i?.type),[i?.type]),N=j.find(k=>k.id===g)?g:j[0].id,T=u.fields;if(h)return l`<div class="page"><h1 tabindex="-1">Collection</h1><p class="field-error" role="alert">${h}</p><a href="#/collections">Back to the collections</a></div>`;if(!i)return l`<div class="page"><p role="status">Loading…</p></div>`;let q=k=>c(S=>k(S)),Q=o&&ae(o),W=k=>{let S=L(k);m(S);let O=j.find(K=>at(S.fields,K.keys)>0);O&&at(S.fields,j.find(K=>K.id===N).keys)===0&&w(O.id),!(!Object.keys(S.fields).length||S.fields.name||S.fields.type)&&setTimeout(()=>document.querySelector('#main-content [aria-invalid="true"]')?.focus(),50)},F=async()=>{_(null),f(!0);try{let k=pt(i),S=t?await C.collections.create(k):await C.collections.update(o.id,k);Se(n),m({message:"",fields:{}}),d(!1);let O=Re(S);a(O),c(O),se(),D(`Saved ${S.name}.`),t&&(Se(`collection:${S.id}`),ce(`#/collections/${S.id}/edit`,{replace:!0}))}catch(k){W(k)}finally{f(!1)}},ge=async k=>{if(k?.preventDefault(),!t){try{let O=await C.collections.getOne(o.id);if(O.updated!==o.updated){_({kind:"conflict",now:O});return}}catch(O){W(O);return}let S=Qt(o,i);if(S.length){_({kind:"changes",changes:S});return}}F()},A=()=>{let k=Re(b.now);Se(n),a(k),c(k),_(null),m({message:"",fields:{}})},ne=()=>{let k=Re(b.now);a(k);let S=Qt(k,i);S.length?_({kind:"changes",changes:S}):F()},me=async()=>{f(!0);try{await C.collections.delete(o.id),Se(n),_(null),await se(),D(`Deleted ${o.name}.`),ce("#/collections")}catch(k){_(null),m(L(k))}finally{f(!1)}},be=()=>{Se(n),d(!1),m({message:"",fields:{}}),o?c(o):ce("#/collections")},X=async k=>{let S=await $n(),O=Re(structuredClone(S[k]));delete O.id;let K=new Set(O.fields.map(ue=>ue.name)),R=k==="view"?[]:i.fields.filter(ue=>!ue.system&&!K.has(ue.name)),U=Object.fromEntries(["listRule","viewRule","createRule","updateRule","deleteRule"].map(ue=>[ue,i[ue]])),de=O.fields.findIndex(ue=>ue.type==="autodate");de>=0?O.fields.splice(de,0,...R):O.fields.push(...R),m({message:"",fields:{}}),c({...O,...U,name:i.name,viewQuery:k==="view"?i.viewQuery||"":void 0}),history.replaceState(null,"",`#/collections/new?type=${k}`)},Ne=t?"New collection":o.name,Te={fields:tn,query:pn,rules:dn,options:bn,indexes:un}[N];return l`
    <form class="page editor" onSubmit=${ge} novalidate>
      <div class="page-head">
        <div>
          <p class="crumbs"><a href="#/collections">Collections</a> /</p>
          <h1 tabindex="-1">${Ne} ${o&&l`<span class=${`badge t-${o.type}`}>${o.type}</span>`} ${Q&&l`<span class="badge">system</span>`}</h1>
        </div>
        <div class="actions">
          ${E&&l`<span class="muted small" role="status">Unsaved changes</span>`}
          ${(E||t)&&l`<button type="button" class="btn" onClick=${be}>${t?"Cancel":"Discard changes"}</button>`}
          <button type="submit" class="btn primary" disabled=${v||!E&&!t}>${v?"Saving…":t?"Create collection":"Save changes"}</button>
        </div>
      </div>
      ${p&&l`<p class="warn-note" role="status">Your unsaved changes from before were restored. <button type="button" class="btn link" onClick=${be}>Discard them</button></p>`}
      ${Q&&l`<p class="muted">A system collection: Galley relies on its name and system fields; its rules and options can be changed.</p>`}
      <div class="grid top-fields">
        <${P} label="Collection name" value=${i.name} onInput=${k=>q(S=>({...S,name:k}))} error=${T.name}
          hint=${t?"Letters, digits and _ ; used in API URLs.":void 0} disabled=${Q} autocomplete="off" spellcheck=${!1} />
        ${t?l`<${Z} label="Collection type" value=${i.type} error=${T.type} onChange=${X} options=${vo} />`:null}
      </div>
      <${te} message=${Object.keys(T).length?"Some values need fixing: see the messages below.":u.message} />
      <div class="tabs" role="tablist" aria-label="Collection settings">
        ${j.map(k=>{let S=at(T,k.keys);return l`<button
            type="button"
            role="tab"
            id=${`tab-${k.id}`}
            ref=${O=>x.current[k.id]=O}
            aria-selected=${k.id===N?"true":"false"}
            aria-controls=${`panel-${k.id}`}
            tabindex=${k.id===N?0:-1}
            onClick=${()=>w(k.id)}
            onKeyDown=${O=>{let K=j.findIndex(de=>de.id===N),R=O.key==="ArrowRight"?K+1:O.key==="ArrowLeft"?K-1:null;if(R===null)return;O.preventDefault();let U=j[(R+j.length)%j.length].id;w(U),x.current[U]?.focus()}}
          >
            ${k.label}${S>0&&l` <span class="err-count">${S}<span class="sr-only"> error${S>1?"s":""}</span></span>`}
          </button>`})}
      </div>
      <div role="tabpanel" id=${`panel-${N}`} aria-labelledby=${`tab-${N}`} class="tabpanel">
        <${Te} draft=${i} update=${q} orig=${o} errors=${T} all=${r} saved=${o} />
      </div>
      ${!t&&!Q&&l`<section class="danger-zone" aria-labelledby="dz-h">
        <h2 id="dz-h">Delete</h2>
        <p>Deleting the collection deletes its table and every record in it.</p>
        <button type="button" class="btn danger" onClick=${()=>_({kind:"delete"})}>Delete collection ${o.name}</button>
      </section>`}
      <${re}
        open=${b?.kind==="changes"}
        title="Save these changes?"
        confirmLabel="Save anyway"
        danger
        busy=${v}
        onConfirm=${F}
        onCancel=${()=>_(null)}
      >
        <p>Saving ${o?.name} will:</p>
        <ul class="change-list">${(b?.changes||[]).map(k=>l`<li class=${`c-${k.kind}`}>${k.text}</li>`)}</ul>
        <p>This cannot be undone.</p>
      <//>
      <${Ce} open=${b?.kind==="conflict"} title="Changed elsewhere" onClose=${()=>_(null)}>
        <p>${o?.name} was changed (in another tab or by another superuser) since you opened it. Saving now would overwrite those changes.</p>
        <div class="actions">
          <button type="button" class="btn" onClick=${()=>_(null)} autofocus>Keep editing</button>
          <button type="button" class="btn" onClick=${A}>Reload their version (drop my edits)</button>
          <button type="button" class="btn danger" onClick=${ne} disabled=${v}>Overwrite with my changes</button>
        </div>
      <//>
      <${re}
        open=${b?.kind==="delete"}
        title=${`Delete ${o?.name}?`}
        confirmLabel="Delete"
        danger
        busy=${v}
        onConfirm=${me}
        onCancel=${()=>_(null)}
      >
        <p>The collection <strong>${o?.name}</strong> and all its records will be deleted. This cannot be undone.</p>
      <//>
    </form>
  `}function yn(){let[s,e]=y(""),[t,n]=y(""),[r,o]=y(!1);return I(()=>{C.send("/api/collections",{query:{perPage:500}}).then(c=>e(JSON.stringify(c.items.filter(p=>r||!ae(p)),null,2))).catch(c=>n(L(c).message))},[r]),l`
    <div class="page">
      <div class="page-head">
        <div>
          <p class="crumbs"><a href="#/collections">Collections</a> /</p>
          <h1 tabindex="-1">Export collections</h1>
        </div>
        <div class="actions">
          <button type="button" class="btn" onClick=${async()=>{try{await navigator.clipboard.writeText(s),D("Copied to the clipboard.")}catch{D("The browser refused the clipboard: select the text and copy it.","error")}}} disabled=${!s}>Copy</button>
          <button type="button" class="btn primary" onClick=${()=>{let c=URL.createObjectURL(new Blob([s],{type:"application/json"})),p=document.createElement("a");p.href=c,p.download="galley_collections.json",document.body.append(p),p.click(),p.remove(),setTimeout(()=>URL.revokeObjectURL(c),1e3)}} disabled=${!s}>Download JSON</button>
        </div>
      </div>
      <p class="muted">The definitions of your collections (fields, indexes, rules, options; no records, no secrets). Import them into another Galley or PocketBase.</p>
      <${M} label="Include system collections" checked=${r} onChange=${o} />
      <${te} message=${t} />
      <${P} label="Collections JSON" rows="20" mono value=${s} readonly />
    </div>
  `}function vn(){let{items:s}=J(oe),[e,t]=y(""),[n,r]=y(!1),[o,a]=y({message:"",fields:{}}),[i,c]=y(""),[p,d]=y(!1),[h,$]=y(!1),u=null,m="";if(e.trim())try{let T=JSON.parse(e);u=Array.isArray(T)?T:Array.isArray(T?.collections)?T.collections:Array.isArray(T?.items)?T.items:null,u||(m="Expected a JSON array of collections.")}catch(T){m=`Not valid JSON: ${T.message}`}let g=new Set((u||[]).map(T=>T?.name)),w=new Set((u||[]).map(T=>T?.id).filter(Boolean)),v=T=>s.some(q=>T.id&&q.id===T.id||q.name===T.name),f=(u||[]).filter(T=>!v(T)),b=(u||[]).filter(v),_=n?s.filter(T=>!ae(T)&&!g.has(T.name)&&!w.has(T.id)):[],x=async T=>{let q=T.currentTarget.files?.[0];q&&t(await q.text())},E=async()=>{d(!1),$(!0);try{await C.collections.import(u,n),await se(),D(`Imported ${u.length} collection${u.length===1?"":"s"}.`),ce("#/collections")}catch(T){a(L(T))}finally{$(!1)}},j=T=>{if(T.preventDefault(),c(m),m||!u){!u&&!m&&c("Paste or choose the JSON to import.");return}d(!0)},N=Object.entries(o.fields);return l`
    <form class="page" onSubmit=${j} novalidate>
      <div class="page-head">
        <div>
          <p class="crumbs"><a href="#/collections">Collections</a> /</p>
          <h1 tabindex="-1">Import collections</h1>
        </div>
      </div>
      <p class="muted">Paste exported collections (a JSON array), or choose a file. Collections are matched by id, then by name: matches are updated, the others created.</p>
      <div class="field">
        <label for="import-file">JSON file</label>
        <input id="import-file" type="file" accept="application/json,.json" onChange=${x} />
      </div>
      <${P} label="Collections JSON" rows="14" mono value=${e} onInput=${T=>{t(T),c("")}} error=${i||o.fields.collections} />
      <${M} label="Delete collections that are not in the import" checked=${n} onChange=${r}
        hint="Their records are deleted with them. System collections are never deleted." />
      ${u&&l`<div class="summary" role="status">
        <p>${f.length} to create${f.length?": "+f.map(T=>T.name).join(", "):""}.</p>
        <p>${b.length} to update${b.length?": "+b.map(T=>T.name).join(", "):""}.</p>
        ${_.length>0&&l`<p class="warn-note">${_.length} to delete with their records: ${_.map(T=>T.name).join(", ")}.</p>`}
      </div>`}
      <${te} message=${o.message} />
      ${N.length>0&&l`<ul class="field-error">${N.map(([T,q])=>l`<li><code>${T}</code>: ${q}</li>`)}</ul>`}
      <div class="actions">
        <button type="submit" class="btn primary" disabled=${h}>${h?"Importing…":"Review and import"}</button>
      </div>
      <${re} open=${p} title="Import collections?" confirmLabel="Import" danger=${_.length>0} busy=${h} onConfirm=${E} onCancel=${()=>d(!1)}>
        <p>${f.length} created, ${b.length} updated${_.length?l`, <strong>${_.length} deleted with all their records</strong>`:""}.</p>
        ${b.length>0&&l`<p>Fields of updated collections that the import does not list are deleted with their data.</p>`}
      <//>
    </form>
  `}function ko({params:s}){return I(()=>ce(`#/collections/${encodeURIComponent(s.id)}/edit`,{replace:!0}),[s.id]),l`<p role="status">Opening…</p>`}function wn(){H("/collections",Vs,{title:"Collections"}),H("/collections/new",Yt,{title:"New collection"}),H("/collections/import",vn,{title:"Import collections"}),H("/collections/export",yn,{title:"Export collections"}),H("/collections/:id/edit",Yt,{title:"Edit collection"}),H("/collections/:id",ko,{priority:-1}),he({label:"Collections",href:"#/collections",order:10,match:/^\/collections/})}function So(s){return s?String(s).replace(" ","T").slice(0,16):""}function Co(s){return s?`${s.replace("T"," ")}:00.000Z`:""}function Ro({field:s,value:e,onChange:t,error:n}){let r=z();return l`<div class="field">
    <label for=${r}>${s.name} <span class="muted small">(date, UTC)</span></label>
    <input id=${r} type="datetime-local" value=${So(e)} onInput=${o=>t(Co(o.currentTarget.value))}
      aria-invalid=${n?"true":void 0} aria-describedby=${n?`${r}-err`:void 0} />
    <${fe} id=${r} error=${n} />
  </div>`}function Oo({field:s,value:e,onChange:t,error:n}){let r=z(),o=(s.maxSelect||1)>1,a=s.values||[];if(o){let i=Array.isArray(e)?e:[];return l`<fieldset class="field choice">
      <legend>${s.name} <span class="muted small">(choose up to ${s.maxSelect})</span></legend>
      ${a.map(c=>l`<${M} key=${c} label=${c} checked=${i.includes(c)}
        onChange=${p=>t(p?[...i,c]:i.filter(d=>d!==c))} />`)}
      ${n&&l`<p class="field-error" role="alert">${n}</p>`}
    </fieldset>`}return l`<div class="field">
    <label for=${r}>${s.name}</label>
    <select id=${r} value=${e||""} onChange=${i=>t(i.currentTarget.value)}
      aria-invalid=${n?"true":void 0} aria-describedby=${n?`${r}-err`:void 0}>
      <option value="">— none —</option>
      ${a.map(i=>l`<option value=${i}>${i}</option>`)}
    </select>
    <${fe} id=${r} error=${n} />
  </div>`}function To({field:s,value:e,onChange:t,error:n,onValidity:r}){let[o,a]=y(()=>e==null||e===""?"":JSON.stringify(e,null,2)),[i,c]=y("");return l`<${P} label=${`${s.name} (JSON)`} rows=${4} mono value=${o} error=${i||n}
    hint=${i?"":"Any JSON value: an object, a list, a string in quotes, a number, true, false or null."}
    onInput=${p=>{if(a(p),p.trim()===""){c(""),r?.(s.name,!0),t(null);return}try{let d=JSON.parse(p);c(""),r?.(s.name,!0),t(d)}catch(d){c(`Not valid JSON: ${d.message}`),r?.(s.name,!1)}}} />`}function Io({field:s,value:e,onChange:t,error:n,all:r}){let o=z(),a=r.find(f=>f.id===s.collectionId),i=(s.maxSelect||1)>1,c=(Array.isArray(e)?e:e?[e]:[]).filter(Boolean),[p,d]=y(""),[h,$]=y([]),[u,m]=y({}),g=a?.fields?.find(f=>["text","email"].includes(f.type)&&f.name!=="id"&&!f.hidden)?.name,w=f=>g&&f[g]?`${f[g]} (${f.id})`:f.id;I(()=>{if(!a)return;let f=setTimeout(async()=>{let b=["id"];g&&b.push(g);let _=p?b.map(x=>C.filter(`${x} ~ {:q}`,{q:p})).join(" || "):"";try{let x=await C.collection(a.id).getList(1,8,{filter:_,skipTotal:!0});$(x.items),m(E=>({...E,...Object.fromEntries(x.items.map(j=>[j.id,w(j)]))}))}catch{$([])}},200);return()=>clearTimeout(f)},[p,a?.id]);let v=f=>t(i?f:f[f.length-1]||"");return l`<fieldset class="field relation">
    <legend>${s.name} <span class="muted small">(relation to ${a?.name||"?"}${i?`, up to ${s.maxSelect}`:""})</span></legend>
    <ul class="chips" aria-label=${`Chosen for ${s.name}`}>
      ${c.length===0&&l`<li class="muted small">Nothing chosen.</li>`}
      ${c.map(f=>l`<li key=${f}><span class="mono">${u[f]||f}</span>
        <button type="button" class="btn small" onClick=${()=>v(c.filter(b=>b!==f))}>Remove<span class="sr-only"> ${u[f]||f} from ${s.name}</span></button></li>`)}
    </ul>
    <label for=${o}>Search ${a?.name||"records"}</label>
    <input id=${o} type="search" value=${p} onInput=${f=>d(f.currentTarget.value)} placeholder=${g?`id or ${g}`:"id"}
      aria-describedby=${n?`${o}-err`:void 0} aria-invalid=${n?"true":void 0} />
    <ul class="picks">
      ${h.filter(f=>!c.includes(f.id)).map(f=>l`<li key=${f.id}>
        <button type="button" class="btn small link" onClick=${()=>v([...c,f.id])}>Choose ${w(f)}</button></li>`)}
    </ul>
    <${fe} id=${o} error=${n} />
  </fieldset>`}var Eo=s=>/\.(png|jpe?g|gif|webp|svg)$/i.test(s);function Po({field:s,record:e,files:t,onFiles:n,removed:r,onRemoved:o,error:a}){let i=z(),c=(s.maxSelect||1)>1,p=e?Array.isArray(e[s.name])?e[s.name]:e[s.name]?[e[s.name]]:[]:[];return l`<fieldset class="field files">
    <legend>${s.name} <span class="muted small">(file${c?`s, up to ${s.maxSelect}`:""})</span></legend>
    ${p.length>0&&l`<ul class="file-list" aria-label=${`Stored files of ${s.name}`}>
      ${p.map(d=>{let h=r.includes(d);return l`<li key=${d} class=${h?"gone":""}>
          ${Eo(d)?l`<img src=${C.files.getURL(e,d,{thumb:"100x100"})} alt=${`Thumbnail of ${d}`} width="50" height="50" />`:l`<span class="file-icon" aria-hidden="true">📄</span>`}
          <a href=${C.files.getURL(e,d)} target="_blank" rel="noopener" class="mono small">${d}</a>
          <button type="button" class="btn small" onClick=${()=>o(h?r.filter($=>$!==d):[...r,d])}>
            ${h?"Keep":"Remove"}<span class="sr-only"> ${d}</span></button>
          ${h&&l`<span class="small warn-note">removed on save</span>`}
        </li>`})}
    </ul>`}
    <label for=${i}>${c||!p.length?"Upload":"Replace with"} <span class="sr-only">${s.name}</span></label>
    <input id=${i} type="file" multiple=${c} accept=${(s.mimeTypes||[]).join(",")||void 0}
      onChange=${d=>n([...d.currentTarget.files])} aria-invalid=${a?"true":void 0}
      aria-describedby=${a?`${i}-err`:void 0} />
    ${t.length>0&&l`<ul class="file-list new" aria-label=${`New files of ${s.name}`}>${t.map(d=>l`<li key=${d.name}>
      ${d.type.startsWith("image/")&&l`<${Lo} file=${d} />`}<span class="mono small">${d.name}</span> <span class="muted small">${Math.ceil(d.size/1024)} KB, uploaded on save</span></li>`)}</ul>`}
    <${fe} id=${i} error=${a} />
  </fieldset>`}function Lo({file:s}){let[e,t]=y("");return I(()=>{let n=URL.createObjectURL(s);return t(n),()=>URL.revokeObjectURL(n)},[s]),e?l`<img src=${e} alt=${`Preview of ${s.name}`} width="50" height="50" />`:null}function _n(s){let{field:e,value:t,onChange:n,error:r}=s,o=e.name;switch(e.type){case"number":return l`<${ee} label=${o} value=${t} onChange=${n} error=${r} step="any" />`;case"bool":return l`<${M} label=${o} checked=${t} onChange=${n} error=${r} />`;case"email":return l`<${P} label=${o} type="email" value=${t} onInput=${n} error=${r} />`;case"url":return l`<${P} label=${o} type="url" value=${t} onInput=${n} error=${r} placeholder="https://" />`;case"editor":return l`<${P} label=${`${o} (HTML)`} rows=${6} value=${t} onInput=${n} error=${r} />`;case"date":return l`<${Ro} ...${s} />`;case"select":return l`<${Oo} ...${s} />`;case"json":case"geoPoint":return l`<${To} ...${s} />`;case"relation":return l`<${Io} ...${s} />`;case"file":return l`<${Po} ...${s} />`;default:return l`<${P} label=${o} value=${t} onInput=${n} error=${r}
        rows=${e.max>255||e.type==="text"&&e.max===0,void 0} />`}}var Ao=new Set(["id","password","tokenKey","email","emailVisibility","verified"]),No=s=>(s.fields||[]).filter(e=>!Ao.has(e.name)&&e.type!=="autodate"&&e.type!=="password");function jo({title:s,onClose:e,children:t}){let n=Y(null);return I(()=>{n.current?.showModal()},[]),l`<dialog ref=${n} class="side-panel" aria-labelledby="panel-h" onCancel=${r=>{r.preventDefault(),e()}}>
    <div class="panel-head"><h2 id="panel-h">${s}</h2><button type="button" class="btn small" onClick=${e}>Close</button></div>
    ${t}
  </dialog>`}function kn({collection:s,record:e,all:t,onClose:n,onSaved:r}){let o=!e,a=s.type==="auth",i=s.type==="view",c=No(s),[p,d]=y(()=>{let k={};for(let S of c)k[S.name]=e?e[S.name]:S.type==="bool"?!1:S.type==="relation"||S.type==="file"||S.type==="select"&&S.maxSelect>1?[]:S.type==="number"?null:"";return a&&Object.assign(k,{email:e?.email||"",emailVisibility:!!e?.emailVisibility,verified:!!e?.verified,password:"",passwordConfirm:""}),o&&(k.id=""),k}),[h,$]=y({}),[u,m]=y({}),[g,w]=y({}),[v,f]=y({message:"",fields:{}}),[b,_]=y(!1),[x,E]=y(!1),[j,N]=y(null),[T,q]=y(""),[Q,W]=y(3600),F=k=>S=>{d(O=>({...O,[k]:S})),f(O=>O.fields[k]?{...O,fields:{...O.fields,[k]:void 0}}:O)},ge=async k=>{if(k.preventDefault(),Object.values(g).some(O=>!O)){f({message:"Fix the JSON fields first.",fields:{}});return}_(!0);let S={...p};!o&&a&&!S.password&&(delete S.password,delete S.passwordConfirm),o&&!S.id&&delete S.id;for(let O of c)if(O.type==="file"){delete S[O.name];let K=h[O.name]||[];K.length&&(S[O.name]=(O.maxSelect||1)>1?K:K[0]),(u[O.name]||[]).length&&!((O.maxSelect||1)<=1&&K.length)&&(S[`${O.name}-`]=u[O.name])}if(!o&&e.updated)try{let O=await C.collection(s.id).getOne(e.id,{fields:"updated"});if(O.updated&&O.updated!==e.updated){N({body:S,updated:O.updated}),_(!1);return}}catch{}await A(S)},A=async k=>{_(!0);try{let S=o?await C.collection(s.id).create(k):await C.collection(s.id).update(e.id,k);D(o?`Record ${S.id} created`:"Saved"),r(S)}catch(S){f(L(S))}finally{_(!1),N(null)}},ne=async()=>{_(!0);try{await C.collection(s.id).delete(e.id),D(`Record ${e.id} deleted`),r(null)}catch(k){f(L(k)),E(!1)}finally{_(!1)}},me=async()=>{try{await C.collection(s.id).requestPasswordReset(e.email),D(`A password reset mail was sent to ${e.email}`)}catch(k){D(L(k).message,"error")}},be=async()=>{try{let k=await C.collection(s.id).impersonate(e.id,Q||0);q(k.authStore.token)}catch(k){D(L(k).message,"error")}},X=v.fields,Ne=new Set([...c.map(k=>k.name),"id","email","emailVisibility","verified","password","passwordConfirm"]),Te=Object.entries(X).filter(([k,S])=>S&&!Ne.has(k.replace(/-$/,"").split(".")[0]));return l`<${jo} title=${o?`New ${s.name} record`:`${i?"View":"Edit"} ${s.name} record`} onClose=${n}>
    <form class="panel-body" onSubmit=${ge} novalidate>
      <fieldset class="plain" disabled=${i}><legend class="sr-only">Fields</legend>
      ${o?l`<${P} label="id" value=${p.id} onInput=${F("id")} error=${X.id} hint="Leave empty for a random id." mono />`:l`<p class="muted small">id <span class="mono">${e.id}</span>${e.created?` · created ${e.created}`:""}${e.updated?` · updated ${e.updated}`:""}</p>`}
      ${a&&l`
        <${P} label="email" type="email" value=${p.email} onInput=${F("email")} error=${X.email} />
        <${M} label="Email visible to others (emailVisibility)" checked=${p.emailVisibility} onChange=${F("emailVisibility")} />
        <${M} label="Verified" checked=${p.verified} onChange=${F("verified")} error=${X.verified} />
        <${P} label=${o?"password":"New password"} type="password" autocomplete="new-password" value=${p.password} onInput=${F("password")} error=${X.password} hint=${o?"":"Leave empty to keep the password."} />
        <${P} label="Confirm password" type="password" autocomplete="new-password" value=${p.passwordConfirm} onInput=${F("passwordConfirm")} error=${X.passwordConfirm} />
      `}
      ${c.map(k=>l`<${_n} key=${k.name} field=${k} value=${p[k.name]} onChange=${F(k.name)} error=${X[k.name]||X[`${k.name}-`]}
        all=${t} record=${e} files=${h[k.name]||[]} onFiles=${S=>$(O=>({...O,[k.name]:S}))}
        removed=${u[k.name]||[]} onRemoved=${S=>m(O=>({...O,[k.name]:S}))}
        onValidity=${(S,O)=>w(K=>({...K,[S]:O}))} />`)}
      </fieldset>
      <${te} message=${v.message&&(Te.length?`${v.message} ${Te.map(([k,S])=>`${k}: ${S}`).join("; ")}`:Object.keys(X).length?"":v.message)} />
      <div class="actions panel-actions">
        ${i&&l`<p class="muted small">A view collection is read-only: its rows come from its query.</p>`}
        ${!i&&l`<button type="submit" class="btn primary" disabled=${b}>${o?"Create record":"Save record"}</button>`}
        <button type="button" class="btn" onClick=${n}>${i?"Close":"Cancel"}</button>
        ${!o&&!i&&l`<button type="button" class="btn danger" onClick=${()=>E(!0)}>Delete record</button>`}
      </div>
    </form>
    ${!o&&a&&l`<section class="panel-body auth-tools" aria-labelledby="auth-tools-h">
      <h3 id="auth-tools-h">Account</h3>
      <p><button type="button" class="btn" onClick=${me}>Send password reset mail</button> <span class="muted small">to ${e.email}</span></p>
      <div class="inline-form">
        <${ee} label="Token lifetime (seconds, 0 = the collection's default)" value=${Q} onChange=${W} min="0" />
        <button type="button" class="btn" onClick=${be}>Impersonate</button>
      </div>
      ${T&&l`<${P} label="Auth token of this user (not refreshable)" rows=${3} mono readonly value=${T}
        hint="Send it as the Authorization header to act as this user." />`}
    </section>`}
    <${re} open=${!!j} title="This record changed meanwhile" confirmLabel="Save my version" danger busy=${b}
      onConfirm=${()=>A(j.body)} onCancel=${()=>N(null)}>
      <p>It was saved again at ${j?.updated}, after you opened it. Saving your version overwrites those changes. Cancel, then close and reopen the record to see them.</p>
    <//>
    <${re} open=${x} title="Delete this record?" confirmLabel="Delete" danger busy=${b} onConfirm=${ne} onCancel=${()=>E(!1)}>
      <p>Record <span class="mono">${e?.id}</span> of ${s.name} is deleted for good.</p>
    <//>
  <//>`}var xn=[{value:"list",label:"List/Search (listRule)",key:"listRule"},{value:"view",label:"View (viewRule)",key:"viewRule"},{value:"update",label:"Update (updateRule)",key:"updateRule"},{value:"delete",label:"Delete (deleteRule)",key:"deleteRule"}];function Sn({params:s}){let{items:e,loaded:t}=J(oe),n=e.find(A=>A.id===s.id||A.name===s.id),r=e.filter(A=>A.type==="auth"),[o,a]=y("list"),[i,c]=y(""),[p,d]=y(""),[h,$]=y([]),[u,m]=y(null),[g,w]=y(!1),[v,f]=y(""),[b,_]=y(null),[x,E]=y({message:"",fields:{}}),[j,N]=y(!1),T=z(),q=We(g?null:u,n,"rule");if(I(()=>{se()},[]),I(()=>{if(!n)return;let A=n[xn.find(ne=>ne.value===o).key];w(A==null),m(A??""),_(null)},[n?.id,o]),I(()=>{if(d(""),!i)return $([]);C.collection(i).getList(1,50,{sort:"email"}).then(A=>$(A.items)).catch(()=>$([]))},[i]),!n)return l`<div class="page"><h1 tabindex="-1">Rule tester</h1><p role="status">${t?"There is no such collection.":"Loading…"}</p></div>`;let Q=async A=>{A.preventDefault(),N(!0);try{let ne={action:o,rule:g?null:u,authCollection:i,authId:i?p:"",filter:v,perPage:50};_(await C.send(`/api/collections/${encodeURIComponent(n.id)}/rule-test`,{method:"POST",body:ne})),E({message:"",fields:{}})}catch(ne){E(L(ne)),_(null)}finally{N(!1)}},W=q.state==="error"&&q.message||x.fields.rule||"",F=He(n).filter(A=>A.name!=="created"&&A.name!=="updated").slice(0,5),ge=i?h.find(A=>A.id===p)?.email||p||"?":"a guest";return l`<div class="page rule-tester">
    <div class="page-head">
      <div>
        <p class="crumbs"><a href="#/collections">Collections</a> / <a href=${`#/collections/${n.id}`}>${n.name}</a></p>
        <h1 tabindex="-1">Rule tester: ${n.name}</h1>
      </div>
    </div>
    <p class="muted">Try a rule as a given user before saving it: the table shows the records it lets that user reach. Nothing is changed.</p>
    <form class="card tester-form" onSubmit=${Q}>
      <div class="grid">
        <${Z} label="Action" value=${o} onChange=${a} options=${xn} error=${x.fields.action} />
        <${Z} label="Requester's auth collection" value=${i} onChange=${c}
          options=${[{value:"",label:"Guest (not logged in)"},...r.map(A=>({value:A.id,label:A.name}))]} error=${x.fields.authCollection} />
        ${i&&l`<${Z} label="Requester" value=${p} onChange=${d} error=${x.fields.authId}
          options=${[{value:"",label:h.length?"— choose a record —":"No records in this collection"},...h.map(A=>({value:A.id,label:A.email?`${A.email} (${A.id})`:A.id}))]} />`}
      </div>
      <${M} label="Superusers only (no rule: nobody else passes)" checked=${g} onChange=${w} />
      ${!g&&l`<div class="field">
        <label for=${T}>Rule to try</label>
        <${Ke} id=${T} value=${u} onChange=${m} collection=${n} all=${e} invalid=${!!W}
          describedBy=${`${T}-hint${W?` ${T}-err`:""}`} />
        <p class="hint" id=${`${T}-hint`}>Prefilled with the saved rule; empty lets everyone through.${q.state==="ok"?l` <span class="ok-note">Valid rule.</span>`:""}</p>
        <div aria-live="polite">${W&&l`<p class="field-error" id=${`${T}-err`}>${W}</p>`}</div>
      </div>`}
      <${P} label="Only among records matching (optional filter)" value=${v} onInput=${f} error=${x.fields.filter} mono />
      <${te} message=${x.message&&!Object.keys(x.fields).length?x.message:""} />
      <div class="actions"><button type="submit" class="btn primary" disabled=${j||i&&!p}>Run test</button></div>
    </form>
    ${b&&l`<section aria-labelledby="tester-res-h" class="tester-result">
      <h2 id="tester-res-h">Result</h2>
      <p role="status">${b.locked?"The rule is locked: only superusers pass, so this requester reaches no record.":`${ge} can ${o} ${b.totalItems} record${b.totalItems===1?"":"s"}${b.items.length<b.totalItems?` (the first ${b.items.length} shown)`:""}.`}</p>
      ${b.items.length>0&&l`<div class="table-wrap"><table class="list">
        <caption class="sr-only">Records the rule lets through</caption>
        <thead><tr>${F.map(A=>l`<th scope="col">${A.name}</th>`)}</tr></thead>
        <tbody>${b.items.map(A=>l`<tr key=${A.id}>${F.map(ne=>l`<td>${Xt(ne,A[ne.name],A)}</td>`)}</tr>`)}</tbody>
      </table></div>`}
    </section>`}
  </div>`}var qo=[20,50,100];function Xt(s,e,t){if(e==null||e===""||Array.isArray(e)&&!e.length)return l`<span class="muted">—</span>`;if(s?.type==="bool")return e?"yes":"no";if(s?.type==="file"){let r=Array.isArray(e)?e:[e];return l`<span class="thumbs">${r.slice(0,3).map(o=>/\.(png|jpe?g|gif|webp)$/i.test(o)?l`<img src=${C.files.getURL(t,o,{thumb:"100x100"})} alt=${o} width="28" height="28" />`:l`<span class="mono small">${o}</span>`)}${r.length>3?` +${r.length-3}`:""}</span>`}let n=typeof e=="object"?JSON.stringify(e):String(e);return s?.type==="editor"&&(n=n.replace(/<[^>]*>/g," ")),n.length>60?`${n.slice(0,60)}…`:n}var He=s=>(s.fields||[]).filter(e=>e.type!=="password"&&e.name!=="tokenKey"&&!e.hidden||e.name==="id");function Uo(s){let e=He(s).map(n=>n.name),t=e.filter(n=>n!=="created"&&n!=="updated").slice(0,5);return e.includes("updated")?[...t,"updated"]:t}function Do({params:s,query:e}){let{items:t,loaded:n}=J(oe),r=t.find(R=>R.id===s.id||R.name===s.id),[o,a]=y(e.filter||""),[i,c]=y(e.filter||""),[p,d]=y(null),[h,$]=y(1),[u,m]=y(20),[g,w]=y(null),[v,f]=y(""),[b,_]=y(null),[x,E]=y([]),[j,N]=y(null),[T,q]=y(!1),[Q,W]=y(!1),[F,ge]=y(0),A=p??(r?.fields?.some(R=>R.name==="created")?"-created":""),ne=We(o,r,"filter"),me=z();if(I(()=>{se()},[]),I(()=>{r&&_(JSON.parse(localStorage.getItem(`galley_cols_${r.id}`)||"null")||Uo(r))},[r?.id]),I(()=>{if(!r)return;let R=!1;return C.collection(r.id).getList(h,u,{filter:i,sort:A}).then(U=>!R&&(w(U),f(""))).catch(U=>!R&&f(L(U).fields.filter||L(U).message)),()=>{R=!0}},[r?.id,i,A,h,u,F]),!r)return l`<div class="page"><h1 tabindex="-1">Records</h1><p role="status">${n?"There is no such collection.":"Loading…"}</p></div>`;let be=He(r).filter(R=>(b||[]).includes(R.name)),X=g?.items||[],Ne=X.length>0&&X.every(R=>x.includes(R.id)),Te=(R,U)=>{let de=U?[...b||[],R]:(b||[]).filter(ue=>ue!==R);_(de),localStorage.setItem(`galley_cols_${r.id}`,JSON.stringify(de))},k=R=>{d(A===R?`-${R}`:R),$(1)},S=async()=>{W(!0);let R=0;for(let U of x)await C.collection(r.id).delete(U).catch(()=>R++);W(!1),q(!1),D(R?`${x.length-R} deleted, ${R} could not be deleted`:`${x.length} records deleted`,R?"error":"ok"),E([]),ge(U=>U+1)},O=r.type==="view",K=ne.state==="error"&&ne.message||o===i&&v||"";return l`<div class="page records">
    <div class="page-head">
      <div>
        <p class="crumbs"><a href="#/collections">Collections</a> / ${r.type} collection</p>
        <h1 tabindex="-1">${r.name}</h1>
      </div>
      <div class="actions">
        <a class="btn" href=${`#/collections/${r.id}/rule-test`}>Rule tester</a>
        <a class="btn" href=${`#/collections/${r.id}/edit`}>Edit collection</a>
        ${!O&&l`<button type="button" class="btn primary" onClick=${()=>N({new:!0})}>New record</button>`}
      </div>
    </div>
    <form class="filter-bar" role="search" onSubmit=${R=>{R.preventDefault(),c(o),$(1)}}>
      <div class="grow">
        <label for=${me}>Filter</label>
        <${Ke} id=${me} value=${o} onChange=${a} collection=${r} all=${t} rows=${1}
          placeholder='Example: title ~ "hello"' invalid=${!!K}
          describedBy=${`${me}-hint${K?` ${me}-err`:""}`} />
        <p class="hint" id=${`${me}-hint`}>The filter language of the API: press Enter to apply, Ctrl+Space for suggestions.${ne.state==="ok"?l` <span class="ok-note">Valid filter.</span>`:""}</p>
        <div aria-live="polite">${K&&l`<p class="field-error" id=${`${me}-err`}>${K}</p>`}</div>
      </div>
      <div class="filter-buttons">
        <button type="submit" class="btn">Apply filter</button>
        ${i&&l`<button type="button" class="btn" onClick=${()=>{a(""),c(""),$(1)}}>Clear</button>`}
      </div>
    </form>
    <div class="table-tools">
      <details class="columns">
        <summary>Columns (${be.length})</summary>
        <fieldset><legend class="sr-only">Columns shown</legend>
          ${He(r).map(R=>l`<span class="check inline" key=${R.name}>
            <input type="checkbox" id=${`col-${R.name}`} checked=${(b||[]).includes(R.name)} onChange=${U=>Te(R.name,U.currentTarget.checked)} />
            <label for=${`col-${R.name}`}>Show ${R.name}</label></span>`)}
        </fieldset>
      </details>
      ${x.length>0&&!O&&l`<button type="button" class="btn danger" onClick=${()=>q(!0)}>Delete selected (${x.length})</button>`}
      <span class="muted small" role="status">${g?`${g.totalItems} record${g.totalItems===1?"":"s"}${i?" match the filter":""}`:"Loading…"}</span>
    </div>
    ${g&&g.totalItems===0&&!i&&l`<div class="empty"><h2>No records yet</h2>
      <p>${O?"This view shows the rows of its query; there are none now.":l`Records are the rows of ${r.name}. Add the first with “New record”, or through the API: <code>POST /api/collections/${r.name}/records</code>.`}</p></div>`}
    ${g&&(g.totalItems>0||i)&&l`<div class="table-wrap">
      <table class="list records-table">
        <caption class="sr-only">Records of ${r.name}, ${A?`sorted by ${A.replace(/^-/,"")} ${A.startsWith("-")?"descending":"ascending"}`:""}</caption>
        <thead><tr>
          ${!O&&l`<th scope="col" class="pick"><input type="checkbox" aria-label="Select all records on this page" checked=${Ne}
            onChange=${R=>E(R.currentTarget.checked?[...new Set([...x,...X.map(U=>U.id)])]:x.filter(U=>!X.some(de=>de.id===U)))} /></th>`}
          ${be.map(R=>{let U=A===R.name?"ascending":A===`-${R.name}`?"descending":void 0;return l`<th scope="col" aria-sort=${U}><button type="button" class="sort" onClick=${()=>k(R.name)}>
              ${R.name}<span aria-hidden="true">${U==="ascending"?" ▲":U==="descending"?" ▼":""}</span><span class="sr-only">, sort</span></button></th>`})}
          <th scope="col"><span class="sr-only">Actions</span></th>
        </tr></thead>
        <tbody>
          ${X.length===0&&l`<tr><td colspan=${be.length+2} class="muted">No record matches the filter.</td></tr>`}
          ${X.map(R=>l`<tr key=${R.id}>
            ${!O&&l`<td class="pick"><input type="checkbox" aria-label=${`Select record ${R.id}`} checked=${x.includes(R.id)}
              onChange=${U=>E(U.currentTarget.checked?[...x,R.id]:x.filter(de=>de!==R.id))} /></td>`}
            ${be.map(U=>l`<td class=${U.name==="id"?"mono small":""}>${Xt(U,R[U.name],R)}</td>`)}
            <td><button type="button" class="btn small" onClick=${()=>N({record:R})}>${O?"View":"Edit"}<span class="sr-only"> record ${R.id}</span></button></td>
          </tr>`)}
        </tbody>
      </table>
    </div>
    <nav class="pager" aria-label="Pages">
      <button type="button" class="btn small" disabled=${h<=1} onClick=${()=>$(h-1)}>Previous page</button>
      <span class="small">Page ${g.page} of ${Math.max(1,g.totalPages)}</span>
      <button type="button" class="btn small" disabled=${h>=g.totalPages} onClick=${()=>$(h+1)}>Next page</button>
      <label class="small" for="per-page">Per page</label>
      <select id="per-page" value=${u} onChange=${R=>{m(Number(R.currentTarget.value)),$(1)}}>
        ${qo.map(R=>l`<option value=${R}>${R}</option>`)}
      </select>
    </nav>`}
    ${j&&l`<${kn} key=${j.record?.id||"new"} collection=${r} record=${j.record} all=${t}
      onClose=${()=>N(null)} onSaved=${()=>{N(null),ge(R=>R+1)}} />`}
    <${re} open=${T} title=${`Delete ${x.length} records?`} confirmLabel="Delete them" danger busy=${Q}
      onConfirm=${S} onCancel=${()=>q(!1)}>
      <p>The ${x.length} selected records of ${r.name} are deleted for good.</p>
    <//>
  </div>`}function Cn(){H("/collections/:id",Do,{title:"Records",priority:-.5}),H("/collections/:id/rule-test",Sn,{title:"Rule tester"})}var Mo={"-4":"debug",0:"info",4:"warning",8:"error"},Bo=s=>`${Mo[s]||"level"} (${s})`,Je=800,we=160,_e=28;function zo({stats:s}){if(!s.length)return l`<p class="muted">No requests in this period.</p>`;let e=Math.max(...s.map(o=>o.total),1),t=Math.min((Je-_e*2)/s.length,48),r=`Requests over time: ${s.reduce((o,a)=>o+a.total,0)} requests from ${s[0].date} to ${s[s.length-1].date}, at most ${e} in an hour.`;return l`<svg class="chart" viewBox=${`0 0 ${Je} ${we+24}`} role="img" aria-label=${r}>
    <line class="gridline" x1=${_e} x2=${Je-_e} y1=${we} y2=${we} />
    <line class="gridline" x1=${_e} x2=${Je-_e} y1=${8} y2=${8} />
    <text class="axis" x="2" y="14">${e}</text>
    <text class="axis" x="2" y=${we}>0</text>
    ${s.map((o,a)=>{let i=Math.max(1,(we-8)*o.total/e);return l`<rect class="bar" x=${_e+a*t+1} y=${we-i} width=${Math.max(1,t-2)} height=${i}><title>${o.date}: ${o.total}</title></rect>`})}
    <text class="axis" x=${_e} y=${we+18}>${String(s[0].date).slice(0,16)}</text>
    <text class="axis" x=${Je-_e} y=${we+18} text-anchor="end">${String(s[s.length-1].date).slice(0,16)}</text>
  </svg>`}function Wo({id:s,onClose:e}){let t=Y(null),[n,r]=y(null),[o,a]=y("");I(()=>{t.current?.showModal(),C.logs.getOne(s).then(r).catch(c=>a(L(c).message))},[s]);let i=n?.data||{};return l`<dialog ref=${t} class="side-panel" aria-labelledby="log-h" onCancel=${c=>{c.preventDefault(),e()}}>
    <div class="panel-head"><h2 id="log-h">Log ${s}</h2><button type="button" class="btn small" onClick=${e}>Close</button></div>
    <div class="panel-body log-detail">
      ${o&&l`<p class="field-error" role="alert">${o}</p>`}
      ${!n&&!o&&l`<p role="status">Loading…</p>`}
      ${n&&l`<dl>
        <dt>When</dt><dd>${n.created}</dd>
        <dt>Level</dt><dd>${Bo(n.level)}</dd>
        <dt>Message</dt><dd>${n.message}</dd>
        ${Object.entries(i).map(([c,p])=>l`<dt>${c}</dt><dd class="mono small">${typeof p=="object"?JSON.stringify(p):String(p)}</dd>`)}
      </dl>
      <h3>Raw</h3><pre class="mono small">${JSON.stringify(n,null,2)}</pre>`}
    </div>
  </dialog>`}function Ko(){let[s,e]=y(""),[t,n]=y(""),[r,o]=y(1),[a,i]=y(null),[c,p]=y(null),[d,h]=y(""),[$,u]=y(null),[m,g]=y(0),w=z();return I(()=>{let v=!1;return Promise.all([C.logs.getList(r,30,{filter:t,sort:"-created"}),C.logs.getStats({filter:t})]).then(([f,b])=>{v||(i(f),p(b),h(""))}).catch(f=>!v&&h(L(f).fields.filter||L(f).message)),()=>{v=!0}},[t,r,m]),l`<div class="page logs">
    <div class="page-head"><h1 tabindex="-1">Logs</h1>
      <div class="actions"><button type="button" class="btn" onClick=${()=>g(v=>v+1)}>Refresh</button></div></div>
    <p class="muted">Every API request, newest first. Filter with the filter language over the log's fields, for example <code>data.status >= 400</code>, <code>data.method = "POST"</code> or <code>data.url ~ "/api/collections"</code>.</p>
    <form class="filter-bar" role="search" onSubmit=${v=>{v.preventDefault(),n(s),o(1)}}>
      <div class="grow">
        <label for=${w}>Filter</label>
        <input id=${w} type="text" class="mono" value=${s} onInput=${v=>e(v.currentTarget.value)} placeholder="data.status >= 400"
          aria-invalid=${d?"true":void 0} aria-describedby=${d?`${w}-err`:void 0} />
        ${d&&l`<p class="field-error" id=${`${w}-err`} role="alert">${d}</p>`}
      </div>
      <div class="filter-buttons"><button type="submit" class="btn">Apply filter</button>
        ${t&&l`<button type="button" class="btn" onClick=${()=>{e(""),n("")}}>Clear</button>`}</div>
    </form>
    ${c&&l`<section aria-labelledby="chart-h"><h2 id="chart-h" class="sub">Requests per hour</h2><${zo} stats=${c} /></section>`}
    ${a&&l`<p class="muted small" role="status">${a.totalItems} log${a.totalItems===1?"":"s"}${t?" match the filter":""}</p>
    <div class="table-wrap"><table class="list">
      <caption class="sr-only">Request logs, newest first</caption>
      <thead><tr><th scope="col">When</th><th scope="col">Method</th><th scope="col">URL</th><th scope="col">Status</th><th scope="col">Time</th><th scope="col"><span class="sr-only">Details</span></th></tr></thead>
      <tbody>
        ${a.items.length===0&&l`<tr><td colspan="6" class="muted">No logs${t?" match the filter":" yet"}.</td></tr>`}
        ${a.items.map(v=>l`<tr key=${v.id}>
          <td class="small">${v.created}</td>
          <td>${v.data?.method||v.level}</td>
          <td class="mono small">${v.data?.url||v.message}</td>
          <td class=${`status-${String(v.data?.status||"")[0]}`}>${v.data?.status??""}</td>
          <td class="small">${v.data?.execTime!=null?`${Math.round(v.data.execTime*10)/10} ms`:""}</td>
          <td><button type="button" class="btn small" onClick=${()=>u(v.id)}>Details<span class="sr-only"> of ${v.data?.method||""} ${v.data?.url||v.message} at ${v.created}</span></button></td>
        </tr>`)}
      </tbody>
    </table></div>
    <nav class="pager" aria-label="Pages">
      <button type="button" class="btn small" disabled=${r<=1} onClick=${()=>o(r-1)}>Previous page</button>
      <span class="small">Page ${a.page} of ${Math.max(1,a.totalPages)}</span>
      <button type="button" class="btn small" disabled=${r>=a.totalPages} onClick=${()=>o(r+1)}>Next page</button>
    </nav>`}
    ${$&&l`<${Wo} id=${$} onClose=${()=>u(null)} />`}
  </div>`}function Rn(){H("/logs",Ko,{title:"Logs"}),he({label:"Logs",href:"#/logs",order:20})}var Zt=[["application","Application"],["mail","Mail"],["storage","Storage"],["backups","Backups"],["limits","Limits and proxy"],["superusers","Superusers"]],Jo={application:["meta"],mail:["smtp","meta"],storage:["s3"],backups:["backups"],limits:["rateLimits","trustedProxy","batch"]};function Vo(){let[s,e]=y(null),[t,n]=y("");return I(()=>{C.settings.getAll().then(e).catch(r=>n(L(r).message))},[]),[s,e,t]}function Go({tab:s,s:e,setS:t}){let[n,r]=y({message:"",fields:{}}),[o,a]=y(!1),i=n.fields,c=(g,w)=>v=>t(f=>({...f,[g]:{...f[g],[w]:v}})),p=async g=>{g.preventDefault(),a(!0);try{let w=Object.fromEntries(Jo[s].map(f=>[f,e[f]])),v=await C.settings.update(w);t(v),r({message:"",fields:{}}),D("Settings saved")}catch(w){r(L(w))}finally{a(!1)}},d=(g,w,v,f={})=>l`<${P} label=${v} value=${e[g][w]} onInput=${c(g,w)} error=${i[`${g}.${w}`]} ...${f} />`,h=(g,w,v,f={})=>l`<${ee} label=${v} value=${e[g][w]} onChange=${c(g,w)} error=${i[`${g}.${w}`]} ...${f} />`,$=(g,w,v,f={})=>l`<${M} label=${v} checked=${e[g][w]} onChange=${c(g,w)} error=${i[`${g}.${w}`]} ...${f} />`,u;if(s==="application")u=l`
      ${d("meta","appName","Application name",{hint:"Shown in mails and page titles."})}
      ${d("meta","appURL","Application URL",{type:"url",hint:"The public address of the app; links in mails point there."})}
      ${$("meta","hideControls","Hide collection create and edit controls")}`;else if(s==="mail")u=l`
      ${d("meta","senderName","Sender name")}
      ${d("meta","senderAddress","Sender address",{type:"email"})}
      ${$("smtp","enabled","Send through an SMTP server",{hint:"Otherwise mails are not sent: the server logs them instead."})}
      ${e.smtp.enabled&&l`<div class="grid">
        ${d("smtp","host","SMTP host")}
        ${h("smtp","port","SMTP port")}
        ${d("smtp","username","SMTP username",{autocomplete:"off"})}
        ${d("smtp","password","SMTP password",{type:"password",autocomplete:"new-password",hint:"Kept when left empty."})}
        <${Z} label="SMTP auth method" value=${e.smtp.authMethod||"PLAIN"} onChange=${c("smtp","authMethod")} options=${["PLAIN","LOGIN"]} error=${i["smtp.authMethod"]} />
        ${d("smtp","localName","Local name (HELO)",{hint:"Optional."})}
      </div>
      ${$("smtp","tls","Use TLS")}`}`;else if(s==="storage")u=l`
      ${$("s3","enabled","Store files in S3-compatible storage",{hint:"Otherwise files stay on the local disk beside the data."})}
      ${e.s3.enabled&&l`<div class="grid">
        ${d("s3","endpoint","S3 endpoint",{type:"url"})}
        ${d("s3","bucket","Bucket")}
        ${d("s3","region","Region")}
        ${d("s3","accessKey","Access key",{autocomplete:"off"})}
        ${d("s3","secret","Secret",{type:"password",autocomplete:"new-password",hint:"Kept when left empty."})}
      </div>
      ${$("s3","forcePathStyle","Force path-style addressing")}`}`;else if(s==="backups"){let g=e.backups||{},w=g.s3||{},v=_=>x=>t(E=>({...E,backups:{...E.backups,[_]:x}})),f=_=>x=>t(E=>({...E,backups:{...E.backups,s3:{...E.backups?.s3||{},[_]:x}}})),b=(_,x,E={})=>l`<${P} label=${x} value=${w[_]} onInput=${f(_)} error=${i[`backups.s3.${_}`]} ...${E} />`;u=l`
      <p class="hint">Backups can also be made by hand on the <a href="#/backups">Backups and jobs</a> screen.</p>
      <div class="grid">
        <${P} label="Backup schedule (cron, UTC)" value=${g.cron} onInput=${v("cron")} error=${i["backups.cron"]} mono
          hint='For example "0 3 * * *" for every night at 03:00; empty turns them off.' />
        <${ee} label="Automatic backups kept" value=${g.cronMaxKeep} onChange=${v("cronMaxKeep")} error=${i["backups.cronMaxKeep"]}
          hint="The oldest automatic backups beyond this number are deleted." />
      </div>
      <${M} label="Keep backups in S3-compatible storage" checked=${w.enabled} onChange=${f("enabled")} error=${i["backups.s3.enabled"]}
        hint="Otherwise they stay on the local disk beside the data." />
      ${w.enabled&&l`<div class="grid">
        ${b("endpoint","Backups S3 endpoint",{type:"url"})}
        ${b("bucket","Backups bucket")}
        ${b("region","Backups region")}
        ${b("accessKey","Backups access key",{autocomplete:"off"})}
        ${b("secret","Backups secret",{type:"password",autocomplete:"new-password",hint:"Kept when left empty."})}
      </div>
      <${M} label="Force path-style addressing for backups" checked=${w.forcePathStyle} onChange=${f("forcePathStyle")} />`}`}else if(s==="limits"){let g=e.rateLimits.rules||[],w=(v,f)=>b=>c("rateLimits","rules")(g.map((_,x)=>x===v?{..._,[f]:b}:_));u=l`
      <fieldset><legend>Rate limits</legend>
        ${$("rateLimits","enabled","Limit requests per client")}
        <p class="hint">A label is a path prefix ("/api/"), a method and path ("POST /api/batch"), or a collection action ("posts:create", "*:auth").</p>
        ${g.map((v,f)=>l`<div class="grid rate-rule" key=${f} role="group" aria-label=${`Rate limit ${f+1}`}>
          <${P} label="Label" value=${v.label} onInput=${w(f,"label")} error=${i[`rateLimits.rules.${f}.label`]} mono />
          <${Z} label="Audience" value=${v.audience||""} onChange=${w(f,"audience")} options=${[{value:"",label:"everyone"},{value:"@guest",label:"guests"},{value:"@auth",label:"logged in"}]} />
          <${ee} label="Per seconds" value=${v.duration} onChange=${w(f,"duration")} error=${i[`rateLimits.rules.${f}.duration`]} />
          <${ee} label="Max requests" value=${v.maxRequests} onChange=${w(f,"maxRequests")} error=${i[`rateLimits.rules.${f}.maxRequests`]} />
          <div><button type="button" class="btn small" onClick=${()=>c("rateLimits","rules")(g.filter((b,_)=>_!==f))}>Remove rate limit ${f+1}</button></div>
        </div>`)}
        <button type="button" class="btn small" onClick=${()=>c("rateLimits","rules")([...g,{label:"",audience:"",duration:10,maxRequests:100}])}>Add rate limit</button>
      </fieldset>
      <fieldset><legend>Trusted proxy</legend>
        <${lt} label="Headers with the client IP" value=${e.trustedProxy.headers} onChange=${c("trustedProxy","headers")} error=${i["trustedProxy.headers"]}
          hint="For example X-Forwarded-For, X-Real-IP or CF-Connecting-IP; empty trusts none. Separate with commas." />
        ${$("trustedProxy","useLeftmostIP","Use the leftmost IP of the header (otherwise the rightmost)")}
      </fieldset>
      <fieldset><legend>Batch requests</legend>
        ${$("batch","enabled","Allow POST /api/batch")}
        <div class="grid">
          ${h("batch","maxRequests","Max requests per batch")}
          ${h("batch","timeout","Timeout (seconds)")}
          ${h("batch","maxBodySize","Max body size (bytes, 0 = default)")}
        </div>
      </fieldset>`}let m=n.message&&!Object.keys(i).length;return l`<form onSubmit=${p} novalidate>
    ${u}
    <${te} message=${m?n.message:Object.keys(i).length?`${n.message} See the fields marked above.`:""} />
    <div class="actions"><button type="submit" class="btn primary" disabled=${o}>Save settings</button></div>
  </form>`}function Qo(){let{items:s}=J(oe),{user:e}=J(pe),[t,n]=y(e?.email||""),[r,o]=y("verification"),[a,i]=y("_superusers"),[c,p]=y({message:"",fields:{}}),[d,h]=y(!1);return I(()=>{se()},[]),l`<form class="card" onSubmit=${async u=>{u.preventDefault(),h(!0);try{await C.settings.testEmail(a,t,r),p({message:"",fields:{}}),D(`A test mail was sent to ${t}`)}catch(m){p(L(m))}finally{h(!1)}}} aria-labelledby="test-mail-h" novalidate>
    <h3 id="test-mail-h">Send a test e-mail</h3>
    <p class="muted small">Uses the saved settings: save first.</p>
    <div class="grid">
      <${P} label="Send to" type="email" value=${t} onInput=${n} error=${c.fields.email} />
      <${Z} label="Template" value=${r} onChange=${o} error=${c.fields.template}
        options=${[{value:"verification",label:"Verification"},{value:"password-reset",label:"Password reset"},{value:"email-change",label:"Email change"},{value:"otp",label:"One-time password"},{value:"login-alert",label:"Log-in alert"}]} />
      <${Z} label="Templates of collection" value=${a} onChange=${i} error=${c.fields.collection}
        options=${s.filter(u=>u.type==="auth").map(u=>u.name)} />
    </div>
    <${te} message=${c.message&&!Object.keys(c.fields).length?c.message:""} />
    <button type="submit" class="btn" disabled=${d}>Send test e-mail</button>
  </form>`}function Yo(){let[s,e]=y(null);return l`<div class="card"><h3>Test the storage</h3><p class="muted small">Tries the saved S3 settings: save first.</p>
    <button type="button" class="btn" onClick=${async()=>{e({ok:null,text:"Testing…"});try{await C.settings.testS3("storage"),e({ok:!0,text:"The S3 storage answered: the saved settings work."})}catch(n){let r=L(n);e({ok:!1,text:Object.values(r.fields)[0]||r.message})}}}>Test S3 connection</button>
    <div aria-live="polite">${s&&l`<p class=${s.ok===!1?"field-error":s.ok?"ok-note":"muted"}>${s.text}</p>`}</div></div>`}function Xo(){let{user:s}=J(pe),[e,t]=y(null),[n,r]=y(0),[o,a]=y({email:"",password:"",passwordConfirm:""}),[i,c]=y({message:"",fields:{}}),[p,d]=y(null);I(()=>{C.collection("_superusers").getFullList({sort:"email"}).then(t).catch(m=>c(L(m)))},[n]);let h=async m=>{m.preventDefault();try{await C.collection("_superusers").create(o),D(`Superuser ${o.email} created`),a({email:"",password:"",passwordConfirm:""}),c({message:"",fields:{}}),r(g=>g+1)}catch(g){c(L(g))}},$=async()=>{try{await C.collection("_superusers").delete(p.id),D(`Superuser ${p.email} deleted`)}catch(m){D(L(m).message,"error")}d(null),r(m=>m+1)},u=m=>g=>a(w=>({...w,[m]:g}));return l`
    ${e&&l`<div class="table-wrap"><table class="list"><caption class="sr-only">Superusers</caption>
      <thead><tr><th scope="col">Email</th><th scope="col">Created</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${e.map(m=>l`<tr key=${m.id}><td>${m.email}${m.id===s?.id?l` <span class="badge">you</span>`:""}</td><td class="small">${m.created}</td>
        <td>${m.id!==s?.id&&l`<button type="button" class="btn small danger" onClick=${()=>d(m)}>Delete<span class="sr-only"> ${m.email}</span></button>`}</td></tr>`)}</tbody>
    </table></div>`}
    <form class="card" onSubmit=${h} aria-labelledby="new-su-h" novalidate>
      <h3 id="new-su-h">New superuser</h3>
      <div class="grid">
        <${P} label="Email" type="email" value=${o.email} onInput=${u("email")} error=${i.fields.email} autocomplete="off" />
        <${P} label="Password" type="password" value=${o.password} onInput=${u("password")} error=${i.fields.password} autocomplete="new-password" />
        <${P} label="Confirm password" type="password" value=${o.passwordConfirm} onInput=${u("passwordConfirm")} error=${i.fields.passwordConfirm} autocomplete="new-password" />
      </div>
      <${te} message=${i.message&&!Object.keys(i.fields).length?i.message:""} />
      <button type="submit" class="btn primary">Create superuser</button>
    </form>
    <${re} open=${!!p} title="Delete this superuser?" confirmLabel="Delete" danger onConfirm=${$} onCancel=${()=>d(null)}>
      <p>${p?.email} can no longer log in to the dashboard.</p>
    <//>`}function On({params:s}){let e=s.tab||"application",[t,n,r]=Vo(),o=(Zt.find(a=>a[0]===e)||Zt[0])[1];return l`<div class="page settings">
    <div class="page-head"><h1 tabindex="-1">Settings</h1></div>
    <nav class="settings-tabs" aria-label="Settings sections">
      ${Zt.map(([a,i])=>l`<a href=${`#/settings/${a}`} aria-current=${a===e?"page":void 0}>${i}</a>`)}
    </nav>
    <section class="card" aria-labelledby="settings-h">
      <h2 id="settings-h">${o}</h2>
      ${r&&l`<p class="field-error" role="alert">${r}</p>`}
      ${e==="superusers"?l`<${Xo} />`:t?l`<${Go} key=${e} tab=${e} s=${t} setS=${n} />`:!r&&l`<p role="status">Loading…</p>`}
    </section>
    ${e==="mail"&&l`<${Qo} />`}
    ${e==="storage"&&l`<${Yo} />`}
  </div>`}function Tn(){H("/settings",On,{title:"Settings"}),H("/settings/:tab",On,{title:"Settings"}),he({label:"Settings",href:"#/settings",order:30,match:/^\/settings/})}function er(s){if(s<1024)return`${s} B`;let e=["KB","MB","GB","TB"],t=s/1024,n=0;for(;t>=1024&&n<e.length-1;)t/=1024,n++;return`${t.toFixed(t<10?1:0)} ${e[n]}`}function tr({open:s,onClose:e,onDone:t}){let[n,r]=y(""),[o,a]=y(!1),[i,c]=y(""),p=z();return I(()=>{s&&(r(""),c(""))},[s]),l`<${Ce} open=${s} title="Create a backup" onClose=${e}>
    <form onSubmit=${async h=>{h.preventDefault(),a(!0),c("");try{await C.backups.create(n.trim()),D("Backup created"),t()}catch($){let u=L($);c(u.fields.name||u.message)}finally{a(!1)}}}>
      <div class="dialog-body">
        <label for=${p}>Name <span class="muted small">(optional)</span></label>
        <input id=${p} type="text" class="mono" value=${n} placeholder="before_upgrade.zip" onInput=${h=>r(h.currentTarget.value)}
          aria-invalid=${i?"true":void 0} aria-describedby=${`${p}-hint${i?` ${p}-err`:""}`} />
        <p class="muted small" id=${`${p}-hint`}>Lower-case letters, digits, _ and -, ending in .zip. Left empty, Galley names it after the date and time.</p>
        ${i&&l`<p class="field-error" id=${`${p}-err`} role="alert">${i}</p>`}
        <p class="small">The backup holds every collection, record and stored file, taken while Galley keeps serving.</p>
      </div>
      <div class="actions">
        <button type="button" class="btn" onClick=${e}>Cancel</button>
        <button type="submit" class="btn primary" disabled=${o}>${o?"Creating…":"Create backup"}</button>
      </div>
    </form>
  <//>`}function sr(){let[s,e]=y(null),[t,n]=y(""),[r,o]=y(!1),[a,i]=y(null),[c,p]=y(null),[d,h]=y(!1),[$,u]=y(0),m=z();I(()=>{C.backups.getFullList().then(b=>{e(b.sort((_,x)=>String(x.modified).localeCompare(String(_.modified)))),n("")}).catch(b=>n(L(b).message))},[$]);let g=()=>u(b=>b+1),w=async b=>{try{let _=await C.files.getToken();window.location.href=C.backups.getDownloadURL(_,b)}catch(_){D(L(_).message,"error")}},v=async b=>{let _=b.currentTarget.files?.[0];if(b.currentTarget.value="",!!_)try{await C.backups.upload({file:_}),D(`Uploaded ${_.name}`),g()}catch(x){let E=L(x);D(E.fields.file||E.message,"error")}},f=async(b,_)=>{h(!0);try{await _(),D(b),g()}catch(x){D(L(x).message,"error")}finally{h(!1),i(null),p(null)}};return l`<section aria-labelledby="backups-h">
    <div class="page-head"><h2 id="backups-h" class="sub">Backups</h2>
      <div class="actions">
        <label class="btn" for=${m}>Upload backup</label>
        <input id=${m} class="sr-only" type="file" accept=".zip,application/zip" onChange=${v} />
        <button type="button" class="btn primary" onClick=${()=>o(!0)}>Create backup</button>
      </div>
    </div>
    ${t&&l`<p class="field-error" role="alert">${t}</p>`}
    ${!s&&!t&&l`<p role="status">Loading…</p>`}
    ${s&&l`<div class="table-wrap"><table class="list">
      <caption class="sr-only">Backups, newest first</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Size</th><th scope="col">Modified</th></tr></thead>
      <tbody>
        ${s.length===0&&l`<tr><td colspan="3" class="muted">No backups yet. Create one, or upload a backup taken elsewhere (SQLite and PostgreSQL backups restore into either).</td></tr>`}
        ${s.map(b=>l`<tr key=${b.key}>
          <td>
            <span class="mono small">${b.key}</span>
            <div class="row-actions">
              <button type="button" class="btn small" onClick=${()=>w(b.key)}>Download<span class="sr-only"> ${b.key}</span></button>
              <button type="button" class="btn small" onClick=${()=>i(b.key)}>Restore<span class="sr-only"> ${b.key}</span></button>
              <button type="button" class="btn small danger-text" onClick=${()=>p(b.key)}>Delete<span class="sr-only"> ${b.key}</span></button>
            </div>
          </td>
          <td class="small">${er(b.size)}</td>
          <td class="small">${b.modified}</td>
        </tr>`)}
      </tbody>
    </table></div>`}
    <${tr} open=${r} onClose=${()=>o(!1)} onDone=${()=>{o(!1),g()}} />
    <${re} open=${!!a} title="Restore this backup?" confirmLabel="Restore" danger busy=${d}
      onCancel=${()=>i(null)} onConfirm=${()=>f("Backup restored",()=>C.backups.restore(a))}>
      <p>Every collection, record and file is replaced by the content of <strong class="mono">${a}</strong>. Changes made since it was taken are lost. Create a backup first if unsure.</p>
    <//>
    <${re} open=${!!c} title="Delete this backup?" confirmLabel="Delete" danger busy=${d}
      onCancel=${()=>p(null)} onConfirm=${()=>f("Backup deleted",()=>C.backups.delete(c))}>
      <p><strong class="mono">${c}</strong> is deleted for good.</p>
    <//>
  </section>`}function nr(){let[s,e]=y(null),[t,n]=y(""),[r,o]=y("");I(()=>{C.crons.getFullList().then(e).catch(i=>n(L(i).message))},[]);let a=async i=>{o(i);try{await C.crons.run(i),D(`Ran ${i}`)}catch(c){D(L(c).message,"error")}finally{o("")}};return l`<section aria-labelledby="crons-h">
    <h2 id="crons-h" class="sub">Scheduled jobs</h2>
    <p class="muted">Jobs registered by hooks (<code>cronAdd</code>) and by Galley itself, with their schedules in UTC. On several nodes each run happens on one node only.</p>
    ${t&&l`<p class="field-error" role="alert">${t}</p>`}
    ${!s&&!t&&l`<p role="status">Loading…</p>`}
    ${s&&l`<div class="table-wrap"><table class="list">
      <caption class="sr-only">Scheduled jobs</caption>
      <thead><tr><th scope="col">Job</th><th scope="col">Schedule</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>
        ${s.length===0&&l`<tr><td colspan="3" class="muted">No scheduled jobs.</td></tr>`}
        ${s.map(i=>l`<tr key=${i.id}>
          <td class="mono small">${i.id}</td>
          <td class="mono small">${i.expression}</td>
          <td><button type="button" class="btn small" disabled=${r===i.id} onClick=${()=>a(i.id)}>${r===i.id?"Running…":"Run now"}<span class="sr-only"> ${i.id}</span></button></td>
        </tr>`)}
      </tbody>
    </table></div>`}
  </section>`}function or(){return l`<div class="page backups">
    <div class="page-head"><h1 tabindex="-1">Backups and jobs</h1></div>
    <p class="muted">Automatic backups and where they are kept (local disk or S3) are set in <a href="#/settings">Settings</a>.</p>
    <${sr} />
    <${nr} />
  </div>`}function In(){H("/backups",or,{title:"Backups and jobs"}),he({label:"Backups and jobs",href:"#/backups",order:25})}function En(s,e=Date.now()){let t=Math.max(0,Math.round((e-new Date(s).getTime())/1e3));return t<60?`${t} s ago`:t<3600?`${Math.floor(t/60)} min ago`:t<86400?`${Math.floor(t/3600)} h ago`:`${Math.floor(t/86400)} d ago`}function ir(){let[s,e]=y(null),[t,n]=y(null),[r,o]=y("");I(()=>{let i=!1,c=()=>Promise.all([C.health.check(),C.send("/api/realtime/stats",{})]).then(([d,h])=>!i&&(e(d.data||{}),n(h),o(""))).catch(d=>!i&&o(L(d).message));c();let p=setInterval(c,5e3);return()=>{i=!0,clearInterval(p)}},[]);let a=s?.nodes||[];return l`<div class="page nodes">
    <div class="page-head"><h1 tabindex="-1">Nodes</h1></div>
    <p class="muted">The Galley processes serving this app. On PostgreSQL every node beats every few seconds; one of them, the leader, runs the background work (clean-ups, retention). On SQLite there is one node.</p>
    ${r&&l`<p class="field-error" role="alert">${r}</p>`}
    ${!s&&!r&&l`<p role="status">Loading…</p>`}
    ${s&&l`<p class="small" role="status">${a.length} live node${a.length===1?"":"s"}${s.realIP?l`; your address as this node sees it: <span class="mono">${s.realIP}</span>`:""}</p>
    ${s.possibleProxyHeader&&l`<p class="field-error">Requests carry a <code>${s.possibleProxyHeader}</code> header but no trusted proxy header is set: client IPs (and per-IP rate limits) see the proxy. Set it in <a href="#/settings/limits">Settings → Limits and proxy</a>.</p>`}
    <div class="table-wrap"><table class="list">
      <caption class="sr-only">Live nodes</caption>
      <thead><tr><th scope="col">Node</th><th scope="col">Address</th><th scope="col">Version</th><th scope="col">Started</th><th scope="col">Last seen</th><th scope="col">Role</th></tr></thead>
      <tbody>
        ${a.map(i=>l`<tr key=${i.id}>
          <td class="mono small">${i.id}${i.self?l` <span class="muted">(this one)</span>`:""}</td>
          <td class="mono small">${i.address||"—"}</td>
          <td class="small">${i.version}</td>
          <td class="small" title=${i.started}>${En(i.started)}</td>
          <td class="small" title=${i.lastSeen}>${En(i.lastSeen)}</td>
          <td class="small">${i.leader?"leader":"follower"}</td>
        </tr>`)}
      </tbody>
    </table></div>`}
    ${t&&l`<section aria-labelledby="rt-h">
      <h2 id="rt-h" class="sub">Realtime on this node</h2>
      <dl class="stats">
        <div><dt>Connections</dt><dd>${t.clients} <span class="muted small">(${t.websocket} WebSocket, ${t.clients-t.websocket} SSE)</span></dd></div>
        <div><dt>Subscriptions</dt><dd>${t.subscriptions}</dd></div>
        <div><dt>Channels with someone present</dt><dd>${t.channels}</dd></div>
        <div><dt>Present in channels</dt><dd>${t.present} <span class="muted small">here, ${t.presentRemote} on other nodes</span></dd></div>
      </dl>
    </section>`}
  </div>`}function Pn(){H("/nodes",ir,{title:"Nodes"}),he({label:"Nodes",href:"#/nodes",order:27})}function Ln(){H("/login",dt,{public:!0,title:"Log in"}),H("/install",Js,{public:!0,title:"Install"}),wn(),Cn(),Rn(),Tn(),In(),Pn()}var lr=s=>`#/collections/${encodeURIComponent(s.id)}`,cr={base:"B",auth:"A",view:"V"};function An({c:s,current:e}){let t=lr(s),n=e.startsWith(t.slice(1));return l`
    <li>
      <a href=${t} class=${n?"current":""} aria-current=${n?"page":void 0}>
        <span class=${`type-mark t-${s.type}`} aria-hidden="true">${cr[s.type]||"?"}</span>
        <span class="name">${s.name}</span>
        <span class="sr-only"> (${s.type}${ae(s)?", system":""})</span>
      </a>
    </li>
  `}function dr({path:s,onNavigate:e}){let{items:t,loaded:n,error:r}=J(oe),{user:o}=J(pe),[a,i]=y(""),c=h=>!a||h.name.toLowerCase().includes(a.toLowerCase()),p=t.filter(h=>!ae(h)&&c(h)),d=t.filter(h=>ae(h)&&c(h));return l`
    <nav class="sidebar-inner" aria-label="Dashboard" onClick=${h=>h.target.closest("a")&&e()}>
      <a class="brand" href="#/collections">Galley</a>
      <ul class="nav-main">
        ${Us().map(h=>{let $=s===h.href.slice(1)||h.match&&h.match.test(s);return l`<li><a href=${h.href} class=${$?"current":""} aria-current=${$?"page":void 0}>${h.label}</a></li>`})}
      </ul>
      <section class="nav-collections" aria-labelledby="nav-coll-h">
        <div class="nav-head">
          <h2 id="nav-coll-h">Collections</h2>
          <a class="btn small" href="#/collections/new">+ New<span class="sr-only"> collection</span></a>
        </div>
        <label class="sr-only" for="nav-filter">Filter collections</label>
        <input id="nav-filter" type="search" placeholder="Filter collections" value=${a} onInput=${h=>i(h.currentTarget.value)} />
        ${r&&l`<p class="field-error">Could not load the collections. <button class="btn link" onClick=${se}>Retry</button></p>`}
        ${n&&!p.length&&!a&&l`<p class="muted small">No collections yet.</p>`}
        <ul class="nav-list">${p.map(h=>l`<${An} key=${h.id} c=${h} current=${s} />`)}</ul>
        ${d.length>0&&l`<details class="nav-system" open=${!!a}>
          <summary>System collections (${d.length})</summary>
          <ul class="nav-list">${d.map(h=>l`<${An} key=${h.id} c=${h} current=${s} />`)}</ul>
        </details>`}
      </section>
      <div class="nav-account">
        <span class="small muted" title=${o?.email}>${o?.email}</span>
        <button class="btn small" type="button" onClick=${Ae}>Log out</button>
      </div>
    </nav>
  `}function ur(s){s.preventDefault(),document.getElementById("main-content")?.focus()}function Nn({path:s,children:e}){let[t,n]=y(!1);return I(()=>{se()},[]),I(()=>n(!1),[s]),I(()=>{if(!t)return;let r=o=>o.key==="Escape"&&n(!1);return window.addEventListener("keydown",r),()=>window.removeEventListener("keydown",r)},[t]),l`
    <a class="skip-link" href="#main-content" onClick=${ur}>Skip to content</a>
    <div class=${`shell ${t?"menu-open":""}`}>
      <header class="topbar">
        <button class="btn" type="button" aria-expanded=${t?"true":"false"} aria-controls="sidebar" onClick=${()=>n(!t)}>
          ${t?"Close menu":"Menu"}
        </button>
        <a class="brand" href="#/collections">Galley</a>
      </header>
      <div class="sidebar" id="sidebar">
        <${dr} path=${s} onNavigate=${()=>n(!1)} />
      </div>
      ${t&&l`<div class="scrim" onClick=${()=>n(!1)}></div>`}
      <main id="main-content" tabindex="-1" class="main">${e}</main>
    </div>
  `}Ln();function pr(){return l`<div class="page"><h1 tabindex="-1">Not found</h1><p>There is no such page. <a href="#/collections">Go to the collections</a>.</p></div>`}function mr(){let{user:s,expired:e}=J(pe),t=Ms(),[n,r]=y(!1),o=Y(!0);I(()=>{js().finally(()=>r(!0))},[]);let a=Fs(t.path),i=a?.route.title||(a?"":"Not found");if(I(()=>{document.title=i?`${i} · Galley`:"Galley"},[i]),I(()=>{if(o.current){o.current=!1;return}requestAnimationFrame(()=>document.querySelector("#main-content h1")?.focus())},[t.path]),t.path==="/"||s&&t.path==="/login")return ce("#/collections",{replace:!0}),null;if(a?.route.public)return l`<${a.route.component} params=${a.params} query=${t.query} /><${ut} />`;if(!n)return l`<p class="loading" role="status">Loading…</p>`;if(!s)return l`<${dt} /><${ut} />`;let c=a?a.route.component:pr;return l`
    <${Nn} path=${t.path}>
      <${c} key=${t.path} params=${a?.params||{}} query=${t.query} />
    <//>
    <${Ce} open=${e} title="Log in again">
      <${Hs} email=${s.email} />
    <//>
    <${ut} />
  `}ps(l`<${mr} />`,document.getElementById("app"));
