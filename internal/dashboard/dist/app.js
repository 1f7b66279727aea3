/* Galley dashboard. Bundles preact (MIT), htm (Apache-2.0) and pocketbase (MIT). */
var L,Dt,bs,se,Ze,Ue,Ft,Le,Mt,tt,et,ys,_e=Symbol.for("pv"),Ne={},De=[],$s=/^m(i|n|o|s|text|space)$/,nt=Array.isArray,st=De.slice,de=Object.assign;function ce(n){n&&n.parentNode&&n.remove()}function Wt(n,e,t){var s,r,o,i={},a=arguments.length;for(o in e)o=="key"?s=e[o]:o=="ref"&&typeof n!="function"?r=e[o]:i[o]=e[o];return a>2&&(i.children=a>3?st.call(arguments,2):t),ve(n,i,s,r,null)}function ve(n,e,t,s,r){var o={type:n,props:e,key:t,ref:s,__k:null,__:null,__b:0,__e:null,__c:null,constructor:_e,__v:r||++Dt,__i:-1,__u:0};return!r&&L.vnode&&L.vnode(o),o}function Fe(n){return n.children}function qe(n,e){this.props=n,this.context=e,this.__g=0}function oe(n,e){if(e==null)return n.__&&oe(n.__,n.__i+1);for(var t;e<n.__k.length;e++)if((t=n.__k[e])&&t.__e)return t.__e;return typeof n.type!="function"||n.props.__P?null:oe(n)}function vs(n){var e,t=n.__v,s=t.__e,r=[],o=[],i=n.__P;i&&((e=de({constructor:_e},t)).__v=t.__v+1,L.vnode&&L.vnode(e),ot(i,e,t,n.__n,i.namespaceURI,32&t.__u?[s]:null,r,s||oe(t),32&t.__u,o),e.__v=t.__v,e.__.__k[e.__i]=e,Vt(r,e,o),t.__=t.__e=null,e.__e!=s&&zt(e))}function zt(n){if((n=n.__)&&n.__c&&!n.props.__P)return n.__e=null,n.__k.some(function(e){return e&&(n.__e=e.__e)}),zt(n)}function Ut(n){(8&n.__g||(n.__g|=8,se.push(n),Ue++))&&Ze==L.debounceRendering||((Ze=L.debounceRendering)||queueMicrotask)(Ht)}function Ht(){try{for(var n,e=1;se.length;)se.length>e&&se.sort(Ft),n=se.shift(),e=se.length,8&n.__g&&vs(n)}finally{(Ue=se.length)&&(Ze||queueMicrotask)(Ht)}}function Bt(n,e,t,s,r,o,i,a,l,m,c){var h,f,d,u,y,v,$=s.__k||De,b=e.length;for(l=_s(t,e,$,l,b),h=0;h<b;h++)(d=t.__k[h])!=null&&(f=~d.__i&&$[d.__i]||Ne,d.__i=h,v=ot(n,d,f,r,o,i,a,l,m,c),u=d.__e,(f.ref!=d.ref||8&f.__u)&&(f.ref&&rt(f.ref,null,d,f),d.ref&&c.push(d.ref,d.__c||u,d)),y=y||u,4&d.__u?(l=Kt(d,l,n,!f.__v),f.__e&&(f.__e=null)):typeof d.type=="function"&&v!==void 0?l=v:u&&(l=u.nextSibling),d.__u&=-21);return t.__e=y,l}function _s(n,e,t,s,r){var o,i,a,l,m,c,h,f,d,u=t.length,y=u,v=0,$=0,b=n.__k=Array(r);for(o=0;o<r;o++)(i=e[o])!=null&&typeof i!="boolean"&&typeof i!="function"?(typeof i!="object"||i.constructor===String?i=b[o]=ve(null,i):nt(i)?i=b[o]=ve(Fe,{children:i}):i.constructor===_e&&i.__b?i=b[o]=ve(i.type,i.props,i.key,i.ref,i.__v):b[o]=i,l=o+v,i.__=n,i.__b=n.__b+1,a=null,~(m=i.__i=ws(i,t,l,y))&&(y--,(a=t[m])&&(a.__u|=2)),a&&a.__v?(i.__u|=16,m==l-1?v--:m==l+1?v++:m!=l&&(m>l?v--:v++,$=1)):(~m||(r>u?v--:r<u&&v++),typeof i.type!="function"&&(i.__u|=4))):b[o]=null;if($){for(c=[],h=[],o=0;o<r;o++)if((i=b[o])&&16&i.__u){for(v=0,f=c.length;v<f;)c[d=v+f>>1]<i.__i?v=d+1:f=d;c[v]=i.__i,h[o]=v+1}for(v=c.length;o--;)h[o]&&(h[o]==v?v--:b[o].__u|=4)}if(y)for(o=0;o<u;o++)!(a=t[o])||2&a.__u||(a.__e==s&&(s=oe(a)),it(a,a));return s}function Kt(n,e,t,s){var r,o,i,a;if(typeof n.type=="function"){if(n.props.__P)return e;if(r=n.__k)for(o=0;o<r.length;o++)r[o]&&(r[o].__=n,e=Kt(r[o],e,t,!1));return e}for(e&&!e.parentNode&&(e=oe(n))&&!e.parentNode&&(e=null),i=n.__e,a=e;a&&a.nodeType==8;)a=a.nextSibling;for(i!=a&&(!s&&t.moveBefore&&i.parentNode?t.moveBefore(i,e):t.insertBefore(i,e||null)),e=i;(e=e&&e.nextSibling)&&e.nodeType==8&&!e.data.startsWith("$s"););return e}function ws(n,e,t,s){var r,o=n.key,i=n.type,a=e[t],l=a&&!(2&a.__u);if(a===null&&o==null||l&&o==a.key&&i==a.type)return t;if(s>(l?1:0)){for(r=t-1;r>=0;r--)if((a=e[r])&&!(2&a.__u)&&o==a.key&&i==a.type)return r;for(r=t+1;r<e.length;r++)if((a=e[r])&&!(2&a.__u)&&o==a.key&&i==a.type)return r}return-1}function Nt(n,e,t){t==null&&(t=""),e[0]=="-"?n.setProperty(e,t):n[e]=t}function Ae(n,e,t,s,r){var o,i;if(e=="style")if(typeof t=="string")n.style.cssText=t;else{if(typeof s=="string"&&(n.style.cssText=s=""),s)for(e in s)t&&e in t||Nt(n.style,e);if(t)for(e in t)s&&t[e]==s[e]||Nt(n.style,e,t[e])}else if(e[0]=="o"&&e[1]=="n")typeof t!="function"&&(t=null),typeof s!="function"&&(s=null),(n.__e||(n.__e={}))[e]=t,t&&s||(i=et[e]||(et[e]=xs(e)),(n.__a||(n.__a={}))[e]=tt,o=e!=(e=e.replace(Mt,"$1")),(e=e.slice(2))[0]<"a"&&(e=e.toLowerCase()),t?n.addEventListener(e,i,o):n.removeEventListener(e,i,o));else{if(r=="http://www.w3.org/2000/svg")e=e.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(e!="width"&&e!="height"&&e!="href"&&e!="list"&&e!="form"&&e!="tabIndex"&&e!="download"&&e!="rowSpan"&&e!="colSpan"&&e!="role"&&e!="popover"&&e in n)try{return void(n[e]=t??"")}catch{}if(typeof t=="function")return;t==null||t===!1&&e[4]!="-"?n.removeAttribute(e):n.setAttribute(e,e=="popover"&&t==1?"":t)}}function xs(n){return function(e){var t=this.__e;if(t){if(t=t[n],e[Le]==null)e[Le]=tt++;else if(e[Le]<this.__a[n])return;return t(L.event?L.event(e):e)}}}function ot(n,e,t,s,r,o,i,a,l,m){var c,h,f,d,u,y,v,$,b,g,_,C,P,A,R,x,q,B,K=e.type;if(e.constructor!==_e)return null;128&t.__u&&(l=32&t.__u,c=t.__c.__z)&&(e.__u|=l,h=o=[],c.nodeType==8?a=je(c,o):o.push(c),a=o[0]||a),(c=L.__b)&&c(e);e:if(typeof K=="function"){f=i.length;try{if($=e.props,b=(c=K.prototype)&&c.render,g=(c=K.contextType)&&s[c.__c],_=c?g?g.props.value:c.__:s,(d=t.__c)?(e.__c=d,2&d.__g&&(d.__g|=1)):(b?e.__c=d=new K($,_):(e.__c=d=new qe($,_),d.constructor=K,d.render=Ss),g&&g.sub(d),d.state||(d.state={}),d.__n=s,d.__g|=8,d.__h=[],d.__k=[]),b&&(d.__s||(d.__s=d.state),K.getDerivedStateFromProps&&(d.__s==d.state&&(d.__s=de({},d.__s)),de(d.__s,K.getDerivedStateFromProps($,d.__s)))),u=d.props,y=d.state,d.__v=e,t.__c){if($!==u&&b&&!K.getDerivedStateFromProps&&d.componentWillReceiveProps&&d.componentWillReceiveProps($,_),e.__v==t.__v&&!(8&d.__g)||!(4&d.__g)&&d.shouldComponentUpdate&&d.shouldComponentUpdate($,d.__s,_)===!1){e.__v!=t.__v&&(d.props=$,d.state=d.__s,d.__g&=-9),e.__e=t.__e,e.__k=t.__k,e.__k.some(function(D){D&&(D.__=e)}),De.push.apply(d.__h,d.__k),d.__k=[],d.__h.length&&i.push(d),a=oe(t);break e}d.componentWillUpdate&&d.componentWillUpdate($,d.__s,_),b&&d.componentDidUpdate&&d.__h.push(function(){d.componentDidUpdate(u,y,v)})}else b&&!K.getDerivedStateFromProps&&d.componentWillMount&&d.componentWillMount(),b&&d.componentDidMount&&d.__h.push(d.componentDidMount);d.context=_,d.props=$,d.__P=n,d.__g&=-5,C=L.__r,P=b?25:0;do d.__g&=-9,C&&C(e),c=d.render(d.props,d.state=d.__s,d.context);while(8&d.__g&&++P<25);b&&(De.push.apply(d.__h,d.__k),d.__k=[]),d.state=d.__s,d.getChildContext&&(s=de({},s,d.getChildContext())),b&&t.__c&&d.getSnapshotBeforeUpdate&&(v=d.getSnapshotBeforeUpdate(u,y)),A=c&&c.type===Fe&&c.key==null?c.props.children:c,$.__P&&(c=a,r=(n=$.__P).namespaceURI,l=o=null,t.props&&t.props.__P!=n&&(t.__k.some(function(D){D&&it(D,D)}),t.__k=null),a=t.__k?oe(t,0):null),a=Bt(n,nt(A)?A:[A],e,t,s,r,o,i,a,l,m),$.__P&&(e.__e=null,a=c),e.__u&=-161,h&&h.some(ce),d.__h.length&&i.push(d),1&d.__g&&(d.__g&=-4)}catch(D){if(i.length=f,e.__v=null,l||o)if(D&&D.then){if(e.__u|=128|l,o){for(~(q=o.indexOf(a||void 0))||(q=o.length);(B=o[q-1])&&B.nodeType==8;)q--;for(;q<o.length;q++)if(B=o[q])if(o[q]=null,R){if(B==x)break}else{if(B.nodeType!=8)break;B.data.startsWith("$s")&&(x=je(R=B))}}if(!R){for(;a&&a.nodeType==8&&a.nextSibling;)a=a.nextSibling;R=a}(c=je(R=e.__c.__z||(e.__c.__z=R)))?(e.__e=R,a=c):e.__e=a,a=a&&a.nextSibling}else o&&o.some(ce);else e.__e=t.__e;e.__k||(e.__k=t.__k||[]),D&&D.then||Jt(e),L.__e(D,e,t)}}else a=e.__e=ks(t.__e,e,t,s,r,o,i,l,m,n);return(c=L.diffed)&&c(e),a}function je(n,e){if(n&&n.nodeType==8&&n.data.startsWith("$s"))for(var t=1;n=n.nextSibling;){if(n.nodeType==8){if(n.data.startsWith("$s"))t++;else if(n.data.startsWith("/$s")&&!--t)return n}e&&e.push(n)}}function Jt(n){n&&(n.__c&&(n.__c.__g|=4),n.__k&&n.__k.some(Jt))}function Vt(n,e,t){for(var s=0;s<t.length;)rt(t[s++],t[s++],t[s++]);L.__c&&L.__c(e,n),n.some(function(r){try{n=r.__h,r.__h=[],n.some(function(o){o.call(r)})}catch(o){L.__e(o,r.__v)}})}function ks(n,e,t,s,r,o,i,a,l,m){var c,h,f,d,u,y,v,$,b=t.props||Ne,g=e.props,_=e.type;if(_=="svg"?r="http://www.w3.org/2000/svg":_=="math"?r="http://www.w3.org/1998/Math/MathML":r||(r="http://www.w3.org/1999/xhtml"),o){for(c=0;c<o.length;c++)if((u=o[c])&&(_?u.localName==_:u.nodeType==3)){n=u,o[c]=null;break}}if(!n){if($=m.ownerDocument||document,!_)return $.createTextNode(g);n=$.createElementNS(r,_,g.is?g:m),a&&(L.__m&&L.__m(e,o),a=!1),o=null}if(_){if(m=_=="template"&&n.content||n,o=_=="textarea"&&g.defaultValue!=null?null:o&&st.call(m.childNodes),!a&&o)for(b={},c=0;c<n.attributes.length;c++)b[(u=n.attributes[c]).name]=u.value;for(c in b)u=b[c],c=="dangerouslySetInnerHTML"?f=u:c=="children"||c in g||c=="value"&&"defaultValue"in g||c=="checked"&&"defaultChecked"in g||Ae(n,c,null,u,r);for(c in g)u=g[c],c=="children"?d=u:c=="dangerouslySetInnerHTML"?h=u:c=="value"?y=u:c=="checked"?v=u:a&&typeof u!="function"||b[c]===u||Ae(n,c,u,b[c],r);h?(a||f&&(h.__html==f.__html||h.__html==n.innerHTML)||(n.innerHTML=h.__html),e.__k=[]):(f&&(n.textContent=""),(_=="foreignObject"||r=="http://www.w3.org/1998/Math/MathML"&&$s.test(_))&&(r="http://www.w3.org/1999/xhtml"),Bt(m,nt(d)?d:[d],e,t,s,r,o,i,o?o[0]:t.__k&&oe(t,0),a,l),o&&o.some(ce)),a&&_!="textarea"||(c="value",_=="progress"&&y==null?n.removeAttribute(c):y==null||y===n[c]&&(_!="progress"||y)||Ae(n,c,y,b[c],r),c="checked",v!=null&&v!=n[c]&&Ae(n,c,v,b[c],r))}else b===g||a&&n.data==g||(n.data=g);return n}function rt(n,e,t,s){try{typeof n=="function"?e?e.__x=n(e)||1:s&&(s=s.__c||s.__e)&&(e=s.__x)&&(s.__x=null,typeof e=="function"?e():n(null)):n.current=e}catch(r){L.__e(r,t)}}function it(n,e,t){var s,r,o,i;if(L.unmount&&L.unmount(n),!(s=n.ref)||s.current&&s.current!=n.__e||rt(s,null,e,n),s=n.__c){if(s.componentWillUnmount)try{s.componentWillUnmount()}catch(a){L.__e(a,e)}s.__P=s.__n=null}if(s=n.__k)for(i=0;i<s.length;i++)s[i]&&it(s[i],e,typeof n.type!="function"||t&&!n.props.__P);!t&&(s=n.__c)&&(s=s.__z)&&(r=je(s,o=[]))&&(s==n.__e&&o.some(ce),ce(r),ce(s)),t||ce(n.__e),n.__e=n.__c=n.__=null}function Ss(n,e,t){return this.constructor(n,t)}function Gt(n,e){var t,s,r,o;L.__&&L.__(n,e),e.nodeType==9&&(e=e.documentElement),s=(t=n&&32&n.__u)?null:e.__k,e.__k=ve(Fe,{children:[n]}),r=[],o=[],ot(e,e.__k,s||Ne,Ne,e.namespaceURI,s?null:e.firstChild?st.call(e.childNodes):null,r,s?s.__e:e.firstChild,t,o),Vt(r,e.__k,o),e.__k.props.children=null}L={__e:function(n,e,t,s){for(var r,o,i;e=e.__;)if((r=e.__c)&&!(1&r.__g)){r.__g|=4;try{if((i=(o=r.constructor)&&o.getDerivedStateFromError)&&r.setState(o.getDerivedStateFromError(n)),r.componentDidCatch&&(r.componentDidCatch(n,s||{}),i=1),i&&8&r.__g)return void(r.__g|=2)}catch(a){n=a}}throw Ue=0,n}},Dt=0,bs=function(n){return n!=null&&n.constructor===_e},qe.prototype.setState=function(n,e){var t=this.__s;t&&t!=this.state||(t=this.__s=de({},this.state)),typeof n=="function"&&(n=n(de({},t),this.props)),n&&(de(t,n),this.__v&&(e&&this.__k.push(e),Ut(this)))},qe.prototype.forceUpdate=function(n){this.__v&&(this.__g|=4,n&&this.__h.push(n),Ut(this))},qe.prototype.render=Fe,se=[],Ue=0,Ft=function(n,e){return n.__v.__b-e.__v.__b},Le=Symbol(),Mt=/(PointerCapture)$|Capture$/i,tt=0,et={},ys=0;var fe,U,at,Qt,lt=Object.is,Me=0,rn=[],ct=[],j=L,Yt=j.__b,Xt=j.__r,Zt=j.diffed,en=j.__c,tn=j.unmount,nn=j.__;function We(n,e){j.__h&&j.__h(U,n,Me||e),Me=0;var t=U.__H||(U.__H={__:[],__h:[]});return n>=t.__.length&&t.__.push({}),t.__[n]}function w(n){return Me=1,Cs(ln,n)}function Cs(n,e,t){var s=We(fe++,2);if(s.t=n,!s.__c&&(s.__=[t?t(e):ln(void 0,e),function(o){var i=(s.__N||s.__)[0],a=s.t(i,o);lt(i,a)||(s.__N=[a,s.__[1]],s.__c.setState({}))}],s.__c=U,!U.__f)){U.__f=!0;var r=U.shouldComponentUpdate;U.shouldComponentUpdate=function(o,i,a){var l=this.__H;if(!l)return!0;var m=!1,c=this.props!=o;if(l.__.some(function(f){f.__N&&(m=!0,lt(f.__[0],f.__N[0])||(c=!0))}),r){var h=r.call(this,o,i,a);return m?h||c:h}return!m||c}}return s.__}function O(n,e){var t=We(fe++,3);!j.__s&&an(t.__H,e)&&(t.__P=!0,t.__=n,t.u=e,U.__H.__h.push(t))}function F(n){return Me=5,ge(function(){return{current:n}},[])}function ge(n,e){var t=We(fe++,7);return an(t.__H,e)&&(t.__=n(),t.__H=e),t.__}function J(){var n=We(fe++,11);if(!n.__){for(var e=U.__v;!e.__m&&e.__;)e=e.__;var t=e.__m||(e.__m=[0,0]);n.__="P"+t[0]+"-"+t[1]++}return n.__}function Os(){var n;do{for(;n=ct.shift();)try{we(n)}catch(t){j.__e(t,{__:(n=n.__P)&&n.__v})}for(;n=rn.shift();){var e=n.__H;if(n.__P&&e)try{e.__h.some(we),e.__h.some(dt),e.__h=[]}catch(t){e.__h=[],j.__e(t,n.__v)}}}while(ct.length)}j.__b=function(n){U=null,Yt&&Yt(n)},j.__=function(n,e){n&&e.__k&&e.__k.__m&&(n.__m=e.__k.__m),nn&&nn(n,e)},j.__r=function(n){Xt&&Xt(n),fe=0;var e=(U=n.__c).__H;e&&(at==U?U.__h=[]:(e.__h.some(we),e.__h.some(dt),fe=0),e.__h=[],e.__.some(function(t){t.__N&&(t.__=t.__N),t.u=t.__N=void 0})),at=U},j.diffed=function(n){Zt&&Zt(n);var e=n.__c;e&&e.__H&&(e.__H.__h.length&&on(rn.push(e)),e.__H.__.some(function(t){t.u&&(t.__H=t.u)})),at=U=null},j.__c=function(n,e){e.some(function(t){try{t.__h.some(we),t.__h=t.__h.filter(function(s){return!s.__||dt(s)})}catch(s){t.__h=[function(){throw s}]}}),en&&en(n,e)},j.unmount=function(n){tn&&tn(n);var e,t,s=n.__c;s&&s.__H&&(s.__H.__.some(function(r){try{if(r.__P&&r.__c){if(t===void 0){for(t=n.__;t&&(!t.__c||!t.__c.__P);)t=t.__;t=t&&t.__c}r.__P=t,on(ct.push(r))}else we(r)}catch(o){e=o}}),s.__H=void 0,e&&j.__e(e,s.__v))};var sn=typeof requestAnimationFrame=="function";function Ts(n){var e,t=function(){clearTimeout(s),sn&&cancelAnimationFrame(e),setTimeout(n)},s=setTimeout(t,35);sn&&(e=requestAnimationFrame(t))}function on(n){n!=1&&Qt==j.requestAnimationFrame||((Qt=j.requestAnimationFrame)||Ts)(Os)}function we(n){var e=U,t=n.__c;typeof t=="function"&&(n.__c=void 0,t()),U=e}function dt(n){var e=U;n.__c=n.__(),U=e}function an(n,e){return!n||n.length!=e.length||e.some(function(t,s){return!lt(t,n[s])})}function ln(n,e){return typeof e=="function"?e(n):e}var dn=function(n,e,t,s){var r;e[0]=0;for(var o=1;o<e.length;o++){var i=e[o++],a=e[o]?(e[0]|=i?1:2,t[e[o++]]):e[++o];i===3?s[0]=a:i===4?s[1]=Object.assign(s[1]||{},a):i===5?(s[1]=s[1]||{})[e[++o]]=a:i===6?s[1][e[++o]]+=a+"":i?(r=n.apply(a,dn(n,a,t,["",null])),s.push(r),a[0]?e[0]|=2:(e[o-2]=0,e[o]=r)):s.push(a)}return s},cn=new Map;function un(n){var e=cn.get(this);return e||(e=new Map,cn.set(this,e)),(e=dn(this,e.get(n)||(e.set(n,e=(function(t){for(var s,r,o=1,i="",a="",l=[0],m=function(f){o===1&&(f||(i=i.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?l.push(0,f,i):o===3&&(f||i)?(l.push(3,f,i),o=2):o===2&&i==="..."&&f?l.push(4,f,0):o===2&&i&&!f?l.push(5,0,!0,i):o>=5&&((i||!f&&o===5)&&(l.push(o,0,i,r),o=6),f&&(l.push(o,f,0,r),o=6)),i=""},c=0;c<t.length;c++){c&&(o===1&&m(),m(c));for(var h=0;h<t[c].length;h++)s=t[c][h],o===1?s==="<"?(m(),l=[l],o=3):i+=s:o===4?i==="--"&&s===">"?(o=1,i=""):i=s+i[0]:a?s===a?a="":i+=s:s==='"'||s==="'"?a=s:s===">"?(m(),o=1):o&&(s==="="?(o=5,r=i,i=""):s==="/"&&(o<5||t[c][h+1]===">")?(m(),o===3&&(l=l[0]),o=l,(l=l[0]).push(2,0,o),o=0):s===" "||s==="	"||s===`
`||s==="\r"?(m(),o=2):i+=s),o===3&&i==="!--"&&(o=4,l=l[0])}return m(),l})(n)),e),arguments,[])).length>1?e:e[0]}var p=un.bind(Wt);function be(n){let e=n,t=new Set;return{get:()=>e,set(s){e=typeof s=="function"?s(e):s;for(let r of[...t])r(e)},subscribe(s){return t.add(s),()=>t.delete(s)}}}function z(n){let[,e]=w(0);return O(()=>n.subscribe(()=>e(t=>t+1)),[n]),n.get()}var W=class n extends Error{constructor(e){super("ClientResponseError"),this.url="",this.status=0,this.response={},this.isAbort=!1,this.originalError=null,Object.setPrototypeOf(this,n.prototype),e!==null&&typeof e=="object"&&(this.originalError=e.originalError,this.url=typeof e.url=="string"?e.url:"",this.status=typeof e.status=="number"?e.status:0,this.isAbort=!!e.isAbort||e.name==="AbortError"||e.message==="Aborted",e.response!==null&&typeof e.response=="object"?this.response=e.response:e.data!==null&&typeof e.data=="object"?this.response=e.data:this.response={}),this.originalError||e instanceof n||(this.originalError=e),this.name="ClientResponseError "+this.status,this.message=this.response?.message,this.message||(this.isAbort?this.message="The request was aborted (most likely autocancelled; you can find more info in https://github.com/pocketbase/js-sdk#auto-cancellation).":this.originalError?.cause?.message?.includes("ECONNREFUSED ::1")?this.message="Failed to connect to the PocketBase server. Try changing the SDK URL from localhost to 127.0.0.1 (https://github.com/pocketbase/js-sdk/issues/21).":this.message="Something went wrong."),this.cause=this.originalError}get data(){return this.response}toJSON(){return{...this}}},ze=/^[\u0009\u0020-\u007e\u0080-\u00ff]+$/;function Rs(n,e){let t={};if(typeof n!="string")return t;let s=Object.assign({},e||{}).decode||Es,r=0;for(;r<n.length;){let o=n.indexOf("=",r);if(o===-1)break;let i=n.indexOf(";",r);if(i===-1)i=n.length;else if(i<o){r=n.lastIndexOf(";",o-1)+1;continue}let a=n.slice(r,o).trim();if(t[a]===void 0){let l=n.slice(o+1,i).trim();l.charCodeAt(0)===34&&(l=l.slice(1,-1));try{t[a]=s(l)}catch{t[a]=l}}r=i+1}return t}function pn(n,e,t){let s=Object.assign({},t||{}),r=s.encode||Is;if(!ze.test(n))throw new TypeError("argument name is invalid");let o=r(e);if(o&&!ze.test(o))throw new TypeError("argument val is invalid");let i=n+"="+o;if(s.maxAge!=null){let a=s.maxAge-0;if(isNaN(a)||!isFinite(a))throw new TypeError("option maxAge is invalid");i+="; Max-Age="+Math.floor(a)}if(s.domain){if(!ze.test(s.domain))throw new TypeError("option domain is invalid");i+="; Domain="+s.domain}if(s.path){if(!ze.test(s.path))throw new TypeError("option path is invalid");i+="; Path="+s.path}if(s.expires){if(!(function(l){return Object.prototype.toString.call(l)==="[object Date]"||l instanceof Date})(s.expires)||isNaN(s.expires.valueOf()))throw new TypeError("option expires is invalid");i+="; Expires="+s.expires.toUTCString()}if(s.httpOnly&&(i+="; HttpOnly"),s.secure&&(i+="; Secure"),s.priority)switch(typeof s.priority=="string"?s.priority.toLowerCase():s.priority){case"low":i+="; Priority=Low";break;case"medium":i+="; Priority=Medium";break;case"high":i+="; Priority=High";break;default:throw new TypeError("option priority is invalid")}if(s.sameSite)switch(typeof s.sameSite=="string"?s.sameSite.toLowerCase():s.sameSite){case!0:i+="; SameSite=Strict";break;case"lax":i+="; SameSite=Lax";break;case"strict":i+="; SameSite=Strict";break;case"none":i+="; SameSite=None";break;default:throw new TypeError("option sameSite is invalid")}return i}function Es(n){return n.indexOf("%")!==-1?decodeURIComponent(n):n}function Is(n){return encodeURIComponent(n)}var Ps=typeof navigator<"u"&&navigator.product==="ReactNative"||typeof global<"u"&&global.HermesInternal,bn;function ye(n){if(n)try{let e=decodeURIComponent(bn(n.split(".")[1]).split("").map((function(t){return"%"+("00"+t.charCodeAt(0).toString(16)).slice(-2)})).join(""));return JSON.parse(e)||{}}catch{}return{}}function yn(n,e=0){let t=ye(n);return!(Object.keys(t).length>0&&(!t.exp||t.exp-e>Date.now()/1e3))}bn=typeof atob!="function"||Ps?n=>{let e=String(n).replace(/=+$/,"");if(e.length%4==1)throw new Error("'atob' failed: The string to be decoded is not correctly encoded.");for(var t,s,r=0,o=0,i="";s=e.charAt(o++);~s&&(t=r%4?64*t+s:s,r++%4)?i+=String.fromCharCode(255&t>>(-2*r&6)):0)s="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".indexOf(s);return i}:atob;var hn="pb_auth",xe=class{constructor(){this.baseToken="",this.baseModel=null,this._onChangeCallbacks=[]}get token(){return this.baseToken}get record(){return this.baseModel}get model(){return this.baseModel}get isValid(){return!yn(this.token)}get isSuperuser(){let e=ye(this.token);return e.type=="auth"&&(this.record?.collectionName=="_superusers"||!this.record?.collectionName&&e.collectionId=="pbc_3142635823")}get isAdmin(){return console.warn("Please replace pb.authStore.isAdmin with pb.authStore.isSuperuser OR simply check the value of pb.authStore.record?.collectionName"),this.isSuperuser}get isAuthRecord(){return console.warn("Please replace pb.authStore.isAuthRecord with !pb.authStore.isSuperuser OR simply check the value of pb.authStore.record?.collectionName"),ye(this.token).type=="auth"&&!this.isSuperuser}save(e,t){this.baseToken=e||"",this.baseModel=t||null,this.triggerChange()}clear(){this.baseToken="",this.baseModel=null,this.triggerChange()}loadFromCookie(e,t=hn){let s=Rs(e||"")[t]||"",r={};try{r=JSON.parse(s),(typeof r===null||typeof r!="object"||Array.isArray(r))&&(r={})}catch{}this.save(r.token||"",r.record||r.model||null)}exportToCookie(e,t=hn){let s={secure:!0,sameSite:!0,httpOnly:!0,path:"/"},r=ye(this.token);s.expires=r?.exp?new Date(1e3*r.exp):new Date("1970-01-01"),e=Object.assign({},s,e);let o={token:this.token,record:this.record?JSON.parse(JSON.stringify(this.record)):null},i=pn(t,JSON.stringify(o),e),a=typeof Blob<"u"?new Blob([i]).size:i.length;if(o.record&&a>4096){o.record={id:o.record?.id,email:o.record?.email};let l=["collectionId","collectionName","verified"];for(let m in this.record)l.includes(m)&&(o.record[m]=this.record[m]);i=pn(t,JSON.stringify(o),e)}return i}onChange(e,t=!1){return this._onChangeCallbacks.push(e),t&&e(this.token,this.record),()=>{for(let s=this._onChangeCallbacks.length-1;s>=0;s--)if(this._onChangeCallbacks[s]==e)return delete this._onChangeCallbacks[s],void this._onChangeCallbacks.splice(s,1)}}triggerChange(){for(let e of this._onChangeCallbacks)e&&e(this.token,this.record)}},ke=class extends xe{constructor(e="pocketbase_auth"){super(),this.storageFallback={},this.storageKey=e,this._bindStorageEvent()}get token(){return(this._storageGet(this.storageKey)||{}).token||""}get record(){let e=this._storageGet(this.storageKey)||{};return e.record||e.model||null}get model(){return this.record}save(e,t){this._storageSet(this.storageKey,{token:e,record:t}),super.save(e,t)}clear(){this._storageRemove(this.storageKey),super.clear()}_storageGet(e){if(typeof window<"u"&&window?.localStorage){let t=window.localStorage.getItem(e)||"";try{return JSON.parse(t)}catch{return t}}return this.storageFallback[e]}_storageSet(e,t){if(typeof window<"u"&&window?.localStorage){let s=t;typeof t!="string"&&(s=JSON.stringify(t)),window.localStorage.setItem(e,s)}else this.storageFallback[e]=t}_storageRemove(e){typeof window<"u"&&window?.localStorage&&window.localStorage?.removeItem(e),delete this.storageFallback[e]}_bindStorageEvent(){typeof window<"u"&&window?.localStorage&&window.addEventListener&&window.addEventListener("storage",(e=>{if(e.key!=this.storageKey)return;let t=this._storageGet(this.storageKey)||{};super.save(t.token||"",t.record||t.model||null)}))}},V=class{constructor(e){this.client=e}},pt=class extends V{async getAll(e){return e=Object.assign({method:"GET"},e),this.client.send("/api/settings",e)}async update(e,t){return t=Object.assign({method:"PATCH",body:e},t),this.client.send("/api/settings",t)}async testS3(e="storage",t){return t=Object.assign({method:"POST",body:{filesystem:e}},t),this.client.send("/api/settings/test/s3",t).then((()=>!0))}async testEmail(e,t,s,r){return r=Object.assign({method:"POST",body:{email:t,template:s,collection:e}},r),this.client.send("/api/settings/test/email",r).then((()=>!0))}async generateAppleClientSecret(e,t,s,r,o,i){return i=Object.assign({method:"POST",body:{clientId:e,teamId:t,keyId:s,privateKey:r,duration:o}},i),this.client.send("/api/settings/apple/generate-client-secret",i)}},As=["requestKey","$cancelKey","$autoCancel","fetch","headers","body","query","params","cache","credentials","headers","integrity","keepalive","method","mode","redirect","referrer","referrerPolicy","signal","window"];function St(n){if(n){n.query=n.query||{};for(let e in n)As.includes(e)||(n.query[e]=n[e],delete n[e])}}function Ct(n){let e=[];for(let t in n){let s=encodeURIComponent(t),r=Array.isArray(n[t])?n[t]:[n[t]];for(let o of r)o=Ls(o),o!==null&&e.push(s+"="+o)}return e.join("&")}function Ls(n){return n==null?null:n instanceof Date?encodeURIComponent(n.toISOString().replace("T"," ")):encodeURIComponent(typeof n=="object"?JSON.stringify(n):n)}var He=class extends V{constructor(){super(...arguments),this.clientId="",this.eventSource=null,this.subscriptions={},this.lastSentSubscriptions=[],this.maxConnectTimeout=15e3,this.reconnectAttempts=0,this.maxReconnectAttempts=1/0,this.predefinedReconnectIntervals=[200,300,500,1e3,1200,1500,2e3],this.pendingConnects=[],this.pendingSubmits=[],this.isProcessingPendingSubmits=!1}get isConnected(){return!!this.eventSource&&!!this.clientId&&!this.pendingConnects.length}async subscribe(e,t,s){if(!e)throw new Error("topic must be set.");let r=e;if(s){St(s=Object.assign({},s));let i="options="+encodeURIComponent(JSON.stringify({query:s.query,headers:s.headers}));r+=(r.includes("?")?"&":"?")+i}let o=function(i){let a=i,l;try{l=JSON.parse(a?.data)}catch{}t(l||{})};return this.subscriptions[r]||(this.subscriptions[r]=[]),this.subscriptions[r].push(o),this.isConnected?this.subscriptions[r].length===1?await this.submitSubscriptions():this.eventSource?.addEventListener(r,o):await this.connect(),async()=>this.unsubscribeByTopicAndListener(e,o)}async unsubscribe(e){if(e){let t=this.getSubscriptionsByTopic(e);for(let s in t)if(this.hasSubscriptionListeners(s)){for(let r of this.subscriptions[s])this.eventSource?.removeEventListener(s,r);delete this.subscriptions[s]}}else this.subscriptions={};await this.submitSubscriptions()}async unsubscribeByPrefix(e){let t=!1;for(let s in this.subscriptions)if((s+"?").startsWith(e)){t=!0;for(let r of this.subscriptions[s])this.eventSource?.removeEventListener(s,r);delete this.subscriptions[s]}t&&await this.submitSubscriptions()}async unsubscribeByTopicAndListener(e,t){let s=this.getSubscriptionsByTopic(e);for(let r in s){if(!Array.isArray(this.subscriptions[r])||!this.subscriptions[r].length)continue;let o=!1;for(let i=this.subscriptions[r].length-1;i>=0;i--)this.subscriptions[r][i]===t&&(o=!0,delete this.subscriptions[r][i],this.subscriptions[r].splice(i,1),this.eventSource?.removeEventListener(r,t));o&&(this.subscriptions[r].length||delete this.subscriptions[r])}await this.submitSubscriptions()}hasSubscriptionListeners(e){if(this.subscriptions=this.subscriptions||{},e)return!!this.subscriptions[e]?.length;for(let t in this.subscriptions)if(this.subscriptions[t]?.length)return!0;return!1}async submitSubscriptions(){return new Promise(((e,t)=>{this.pendingSubmits.push({resolve:e,reject:t}),this.pendingSubmits.length==1&&queueMicrotask((()=>this.finalizePendingSubscriptions()))}))}async finalizePendingSubscriptions(){if(this.isProcessingPendingSubmits||!this.pendingSubmits.length)return;let e=this.pendingSubmits.slice();this.pendingSubmits=[],this.isProcessingPendingSubmits=!0;try{await this.sendSubscriptions();for(let t of e)t.resolve()}catch(t){for(let s of e)t?s.reject(t):s.resolve()}finally{this.isProcessingPendingSubmits=!1,this.pendingSubmits.length>0&&await this.finalizePendingSubscriptions()}}getSubscriptionsCancelKey(){return"realtime_"+this.clientId}getSubscriptionsByTopic(e){let t={};e=e.includes("?")?e:e+"?";for(let s in this.subscriptions)(s+"?").startsWith(e)&&(t[s]=this.subscriptions[s]);return t}getNonEmptySubscriptionKeys(){let e=[];for(let t in this.subscriptions)this.subscriptions[t].length&&e.push(t);return e}hasUnsentSubscriptions(){let e=this.getNonEmptySubscriptionKeys();if(e.length!=this.lastSentSubscriptions.length)return!0;for(let t of e)if(!this.lastSentSubscriptions.includes(t))return!0;return!1}async sendSubscriptions(){if(this.clientId){if(!this.hasSubscriptionListeners())return this.disconnect();if(this.hasUnsentSubscriptions())return this.addAllSubscriptionListeners(),this.lastSentSubscriptions=this.getNonEmptySubscriptionKeys(),this.client.send("/api/realtime",{method:"POST",body:{clientId:this.clientId,subscriptions:this.lastSentSubscriptions},requestKey:this.getSubscriptionsCancelKey()}).catch((e=>{if(!e?.isAbort)throw e}))}}addAllSubscriptionListeners(){if(this.eventSource){this.removeAllSubscriptionListeners();for(let e in this.subscriptions)for(let t of this.subscriptions[e])this.eventSource.addEventListener(e,t)}}removeAllSubscriptionListeners(){if(this.eventSource)for(let e in this.subscriptions)for(let t of this.subscriptions[e])this.eventSource.removeEventListener(e,t)}async connect(){if(!(this.reconnectAttempts>0))return new Promise(((e,t)=>{this.pendingConnects.push({resolve:e,reject:t}),this.pendingConnects.length==1&&queueMicrotask((()=>this.initConnect()))}))}initConnect(){this.disconnect(!0),clearTimeout(this.connectTimeoutId),this.connectTimeoutId=setTimeout((()=>{this.connectErrorHandler(new Error("EventSource connect took too long."))}),this.maxConnectTimeout),this.eventSource=new EventSource(this.client.buildURL("/api/realtime")),this.eventSource.onerror=e=>{this.connectErrorHandler(new Error("Failed to establish realtime connection."))},this.eventSource.addEventListener("PB_CONNECT",(e=>{let t=e;this.clientId=t?.lastEventId,this.lastSentSubscriptions=[],this.submitSubscriptions().then((async()=>{let s=3;for(;this.hasUnsentSubscriptions()&&s>0;)s--,await this.submitSubscriptions();for(let o of this.pendingConnects)o.resolve();this.pendingConnects=[],this.reconnectAttempts=0,clearTimeout(this.reconnectTimeoutId),clearTimeout(this.connectTimeoutId);let r=this.getSubscriptionsByTopic("PB_CONNECT");for(let o in r)for(let i of r[o])i(e);this.hasUnsentSubscriptions()&&await this.submitSubscriptions()})).catch((s=>{this.clientId="",this.lastSentSubscriptions=[],this.connectErrorHandler(s)}))}))}connectErrorHandler(e){if(clearTimeout(this.connectTimeoutId),clearTimeout(this.reconnectTimeoutId),!this.clientId&&!this.reconnectAttempts||this.reconnectAttempts>this.maxReconnectAttempts){for(let s of this.pendingConnects)s.reject(new W(e));return this.pendingConnects=[],void this.disconnect()}this.disconnect(!0);let t=this.predefinedReconnectIntervals[this.reconnectAttempts]||this.predefinedReconnectIntervals[this.predefinedReconnectIntervals.length-1];this.reconnectAttempts++,this.reconnectTimeoutId=setTimeout((()=>{this.initConnect()}),t)}disconnect(e=!1){if(this.clientId&&this.onDisconnect&&this.onDisconnect(Object.keys(this.subscriptions)),clearTimeout(this.connectTimeoutId),clearTimeout(this.reconnectTimeoutId),this.removeAllSubscriptionListeners(),this.client.cancelRequest(this.getSubscriptionsCancelKey()),this.eventSource?.close(),this.eventSource=null,this.clientId="",this.lastSentSubscriptions=[],!e){this.reconnectAttempts=0;for(let t of this.pendingConnects)t.resolve();this.pendingConnects=[]}}},Be=class extends V{decode(e){return e}async getFullList(e,t){if(typeof e=="number")return this._getFullList(e,t);let s=1e3;return(t=Object.assign({},e,t)).batch&&(s=t.batch,delete t.batch),this._getFullList(s,t)}async getList(e=1,t=30,s){return(s=Object.assign({method:"GET"},s)).query=Object.assign({page:e,perPage:t},s.query),this.client.send(this.baseCrudPath,s).then((r=>(r.items=r.items?.map((o=>this.decode(o)))||[],r)))}async getFirstListItem(e,t){return(t=Object.assign({requestKey:"one_by_filter_"+this.baseCrudPath+"_"+e},t)).query=Object.assign({filter:e,skipTotal:1},t.query),this.getList(1,1,t).then((s=>{if(!s?.items?.length)throw new W({status:404,response:{code:404,message:"The requested resource wasn't found.",data:{}}});return s.items[0]}))}async getOne(e,t){if(!e)throw new W({url:this.client.buildURL(this.baseCrudPath+"/"),status:404,response:{code:404,message:"Missing required record id.",data:{}}});return t=Object.assign({method:"GET"},t),this.client.send(this.baseCrudPath+"/"+encodeURIComponent(e),t).then((s=>this.decode(s)))}async create(e,t){return t=Object.assign({method:"POST",body:e},t),this.client.send(this.baseCrudPath,t).then((s=>this.decode(s)))}async update(e,t,s){return s=Object.assign({method:"PATCH",body:t},s),this.client.send(this.baseCrudPath+"/"+encodeURIComponent(e),s).then((r=>this.decode(r)))}async delete(e,t){return t=Object.assign({method:"DELETE"},t),this.client.send(this.baseCrudPath+"/"+encodeURIComponent(e),t).then((()=>!0))}_getFullList(e=1e3,t){(t=t||{}).query=Object.assign({skipTotal:1},t.query);let s=[],r=async o=>this.getList(o,e||1e3,t).then((i=>{let a=i.items;return s=s.concat(a),a.length==i.perPage?r(o+1):s}));return r(1)}};function re(n,e,t,s){let r=s!==void 0;return r||t!==void 0?r?(console.warn(n),e.body=Object.assign({},e.body,t),e.query=Object.assign({},e.query,s),e):Object.assign(e,t):e}function ut(n){n._resetAutoRefresh?.()}var ht=class extends Be{constructor(e,t){super(e),this.collectionIdOrName=t}get baseCrudPath(){return this.baseCollectionPath+"/records"}get baseCollectionPath(){return"/api/collections/"+encodeURIComponent(this.collectionIdOrName)}get isSuperusers(){return this.collectionIdOrName=="_superusers"||this.collectionIdOrName=="_pbc_2773867675"}async subscribe(e,t,s){if(!e)throw new Error("Missing topic.");if(!t)throw new Error("Missing subscription callback.");return this.client.realtime.subscribe(this.collectionIdOrName+"/"+e,t,s)}async unsubscribe(e){return e?this.client.realtime.unsubscribe(this.collectionIdOrName+"/"+e):this.client.realtime.unsubscribeByPrefix(this.collectionIdOrName)}async getFullList(e,t){if(typeof e=="number")return super.getFullList(e,t);let s=Object.assign({},e,t);return super.getFullList(s)}async getList(e=1,t=30,s){return super.getList(e,t,s)}async getFirstListItem(e,t){return super.getFirstListItem(e,t)}async getOne(e,t){return super.getOne(e,t)}async create(e,t){return super.create(e,t)}async update(e,t,s){return super.update(e,t,s).then((r=>{if(this.client.authStore.record?.id===r?.id&&(this.client.authStore.record?.collectionId===this.collectionIdOrName||this.client.authStore.record?.collectionName===this.collectionIdOrName)){let o=Object.assign({},this.client.authStore.record.expand),i=Object.assign({},this.client.authStore.record,r);o&&(i.expand=Object.assign(o,r.expand)),this.client.authStore.save(this.client.authStore.token,i)}return r}))}async delete(e,t){return super.delete(e,t).then((s=>(!s||this.client.authStore.record?.id!==e||this.client.authStore.record?.collectionId!==this.collectionIdOrName&&this.client.authStore.record?.collectionName!==this.collectionIdOrName||this.client.authStore.clear(),s)))}authResponse(e){let t=this.decode(e?.record||{});return this.client.authStore.save(e?.token,t),Object.assign({},e,{token:e?.token||"",record:t})}async listAuthMethods(e){return e=Object.assign({method:"GET",fields:"mfa,otp,password,oauth2"},e),this.client.send(this.baseCollectionPath+"/auth-methods",e)}async authWithPassword(e,t,s){let r;s=Object.assign({method:"POST",body:{identity:e,password:t}},s),this.isSuperusers&&(r=s.autoRefreshThreshold,delete s.autoRefreshThreshold,s.autoRefresh||ut(this.client));let o=await this.client.send(this.baseCollectionPath+"/auth-with-password",s);return o=this.authResponse(o),r&&this.isSuperusers&&(function(a,l,m,c){ut(a);let h=a.beforeSend,f=a.authStore.record,d=a.authStore.onChange(((u,y)=>{(!u||y?.id!=f?.id||(y?.collectionId||f?.collectionId)&&y?.collectionId!=f?.collectionId)&&ut(a)}));a._resetAutoRefresh=function(){d(),a.beforeSend=h,delete a._resetAutoRefresh},a.beforeSend=async(u,y)=>{let v=a.authStore.token;if(y.query?.autoRefresh)return h?h(u,y):{url:u,sendOptions:y};let $=a.authStore.isValid;if($&&yn(a.authStore.token,l))try{await m()}catch{$=!1}$||await c();let b=y.headers||{};for(let g in b)if(g.toLowerCase()=="authorization"&&v==b[g]&&a.authStore.token){b[g]=a.authStore.token;break}return y.headers=b,h?h(u,y):{url:u,sendOptions:y}}})(this.client,r,(()=>this.authRefresh({autoRefresh:!0})),(()=>this.authWithPassword(e,t,Object.assign({autoRefresh:!0},s)))),o}async authWithOAuth2Code(e,t,s,r,o,i,a){let l={method:"POST",body:{provider:e,code:t,codeVerifier:s,redirectURL:r,createData:o}};return l=re("This form of authWithOAuth2Code(provider, code, codeVerifier, redirectURL, createData?, body?, query?) is deprecated. Consider replacing it with authWithOAuth2Code(provider, code, codeVerifier, redirectURL, createData?, options?).",l,i,a),this.client.send(this.baseCollectionPath+"/auth-with-oauth2",l).then((m=>this.authResponse(m)))}authWithOAuth2(...e){if(e.length>1||typeof e?.[0]=="string")return console.warn("PocketBase: This form of authWithOAuth2() is deprecated and may get removed in the future. Please replace with authWithOAuth2Code() OR use the authWithOAuth2() realtime form as shown in https://pocketbase.io/docs/authentication/#oauth2-integration."),this.authWithOAuth2Code(e?.[0]||"",e?.[1]||"",e?.[2]||"",e?.[3]||"",e?.[4]||{},e?.[5]||{},e?.[6]||{});let t=e?.[0]||{},s=null;t.urlCallback||(s=mn(void 0));let r=new He(this.client);function o(){s?.close(),r.unsubscribe()}let i={},a=t.requestKey;return a&&(i.requestKey=a),this.listAuthMethods(i).then((l=>{let m=l.oauth2.providers.find((h=>h.name===t.provider));if(!m)throw new W(new Error(`Missing or invalid provider "${t.provider}".`));let c=this.client.buildURL("/api/oauth2-redirect");return new Promise((async(h,f)=>{let d=a?this.client.cancelControllers?.[a]:void 0;d&&(d.signal.onabort=()=>{o(),f(new W({isAbort:!0,message:"manually cancelled"}))}),r.onDisconnect=u=>{u.length&&f&&(o(),f(new W(new Error("realtime connection interrupted"))))};try{await r.subscribe("@oauth2",(async $=>{let b=r.clientId;try{if(!$.state||b!==$.state)throw new Error("State parameters don't match.");if($.error||!$.code)throw new Error("OAuth2 redirect error or missing code: "+$.error);let g=Object.assign({},t);delete g.provider,delete g.scopes,delete g.createData,delete g.urlCallback,d?.signal?.onabort&&(d.signal.onabort=null);let _=await this.authWithOAuth2Code(m.name,$.code,m.codeVerifier,c,t.createData,g);h(_)}catch(g){f(new W(g))}o()}));let u={state:r.clientId};t.scopes?.length&&(u.scope=t.scopes.join(" "));let y=this._replaceQueryParams(m.authURL+c,u);await(t.urlCallback||function($){s?s.location.href=$:s=mn($)})(y)}catch(u){d?.signal?.onabort&&(d.signal.onabort=null),o(),f(new W(u))}}))})).catch((l=>{throw o(),l}))}async authRefresh(e,t){let s={method:"POST"};return s=re("This form of authRefresh(body?, query?) is deprecated. Consider replacing it with authRefresh(options?).",s,e,t),this.client.send(this.baseCollectionPath+"/auth-refresh",s).then((r=>this.authResponse(r)))}async requestPasswordReset(e,t,s){let r={method:"POST",body:{email:e}};return r=re("This form of requestPasswordReset(email, body?, query?) is deprecated. Consider replacing it with requestPasswordReset(email, options?).",r,t,s),this.client.send(this.baseCollectionPath+"/request-password-reset",r).then((()=>!0))}async confirmPasswordReset(e,t,s,r,o){let i={method:"POST",body:{token:e,password:t,passwordConfirm:s}};return i=re("This form of confirmPasswordReset(token, password, passwordConfirm, body?, query?) is deprecated. Consider replacing it with confirmPasswordReset(token, password, passwordConfirm, options?).",i,r,o),this.client.send(this.baseCollectionPath+"/confirm-password-reset",i).then((()=>!0))}async requestVerification(e,t,s){let r={method:"POST",body:{email:e}};return r=re("This form of requestVerification(email, body?, query?) is deprecated. Consider replacing it with requestVerification(email, options?).",r,t,s),this.client.send(this.baseCollectionPath+"/request-verification",r).then((()=>!0))}async confirmVerification(e,t,s){let r={method:"POST",body:{token:e}};return r=re("This form of confirmVerification(token, body?, query?) is deprecated. Consider replacing it with confirmVerification(token, options?).",r,t,s),this.client.send(this.baseCollectionPath+"/confirm-verification",r).then((()=>{let o=ye(e),i=this.client.authStore.record;return i&&!i.verified&&i.id===o.id&&i.collectionId===o.collectionId&&(i.verified=!0,this.client.authStore.save(this.client.authStore.token,i)),!0}))}async requestEmailChange(e,t,s){let r={method:"POST",body:{newEmail:e}};return r=re("This form of requestEmailChange(newEmail, body?, query?) is deprecated. Consider replacing it with requestEmailChange(newEmail, options?).",r,t,s),this.client.send(this.baseCollectionPath+"/request-email-change",r).then((()=>!0))}async confirmEmailChange(e,t,s,r){let o={method:"POST",body:{token:e,password:t}};return o=re("This form of confirmEmailChange(token, password, body?, query?) is deprecated. Consider replacing it with confirmEmailChange(token, password, options?).",o,s,r),this.client.send(this.baseCollectionPath+"/confirm-email-change",o).then((()=>{let i=ye(e),a=this.client.authStore.record;return a&&a.id===i.id&&a.collectionId===i.collectionId&&this.client.authStore.clear(),!0}))}async listExternalAuths(e,t){return this.client.collection("_externalAuths").getFullList(Object.assign({},t,{filter:this.client.filter("recordRef = {:id}",{id:e})}))}async unlinkExternalAuth(e,t,s){let r=await this.client.collection("_externalAuths").getFirstListItem(this.client.filter("recordRef = {:recordId} && provider = {:provider}",{recordId:e,provider:t}));return this.client.collection("_externalAuths").delete(r.id,s).then((()=>!0))}async requestOTP(e,t){return t=Object.assign({method:"POST",body:{email:e}},t),this.client.send(this.baseCollectionPath+"/request-otp",t)}async authWithOTP(e,t,s){return s=Object.assign({method:"POST",body:{otpId:e,password:t}},s),this.client.send(this.baseCollectionPath+"/auth-with-otp",s).then((r=>this.authResponse(r)))}async impersonate(e,t,s){(s=Object.assign({method:"POST",body:{duration:t}},s)).headers=s.headers||{},s.headers.Authorization||(s.headers.Authorization=this.client.authStore.token);let r=new Se(this.client.baseURL,new xe,this.client.lang),o=await r.send(this.baseCollectionPath+"/impersonate/"+encodeURIComponent(e),s);return r.authStore.save(o?.token,this.decode(o?.record||{})),r}_replaceQueryParams(e,t={}){let s=e,r="";e.indexOf("?")>=0&&(s=e.substring(0,e.indexOf("?")),r=e.substring(e.indexOf("?")+1));let o={},i=r.split("&");for(let a of i){if(a=="")continue;let l=a.split("=");o[decodeURIComponent(l[0].replace(/\+/g," "))]=decodeURIComponent((l[1]||"").replace(/\+/g," "))}for(let a in t)t.hasOwnProperty(a)&&(t[a]==null?delete o[a]:o[a]=t[a]);r="";for(let a in o)o.hasOwnProperty(a)&&(r!=""&&(r+="&"),r+=encodeURIComponent(a.replace(/%20/g,"+"))+"="+encodeURIComponent(o[a].replace(/%20/g,"+")));return r!=""?s+"?"+r:s}};function mn(n){if(typeof window>"u"||!window?.open)throw new W(new Error("Not in a browser context - please pass a custom urlCallback function."));let e=1024,t=768,s=window.innerWidth,r=window.innerHeight;e=e>s?s:e,t=t>r?r:t;let o=s/2-e/2,i=r/2-t/2;return window.open(n,"popup_window","width="+e+",height="+t+",top="+i+",left="+o+",resizable,menubar=no")}var mt=class extends Be{get baseCrudPath(){return"/api/collections"}async import(e,t=!1,s){return s=Object.assign({method:"PUT",body:{collections:e,deleteMissing:t}},s),this.client.send(this.baseCrudPath+"/import",s).then((()=>!0))}async truncate(e,t){return t=Object.assign({method:"DELETE"},t),this.client.send(this.baseCrudPath+"/"+encodeURIComponent(e)+"/truncate",t).then((()=>!0))}async getScaffolds(e){return e=Object.assign({method:"GET"},e),this.client.send(this.baseCrudPath+"/meta/scaffolds",e)}async getAllOAuth2Providers(e){return e=Object.assign({method:"GET"},e),this.client.send(this.baseCrudPath+"/meta/oauth2-providers",e)}async dryRunViewQuery(e,t){return t=Object.assign({method:"POST",body:{query:e}},t),this.client.send(this.baseCrudPath+"/meta/dry-run-view",t)}},ft=class extends V{async getList(e=1,t=30,s){return(s=Object.assign({method:"GET"},s)).query=Object.assign({page:e,perPage:t},s.query),this.client.send("/api/logs",s)}async getOne(e,t){if(!e)throw new W({url:this.client.buildURL("/api/logs/"),status:404,response:{code:404,message:"Missing required log id.",data:{}}});return t=Object.assign({method:"GET"},t),this.client.send("/api/logs/"+encodeURIComponent(e),t)}async getStats(e){return e=Object.assign({method:"GET"},e),this.client.send("/api/logs/stats",e)}async truncate(e){return e=Object.assign({method:"DELETE"},e),this.client.send("/api/logs",e).then((()=>!0))}},gt=class extends V{async check(e){return e=Object.assign({method:"GET"},e),this.client.send("/api/health",e)}},bt=class extends V{getUrl(e,t,s={}){return console.warn("Please replace pb.files.getUrl() with pb.files.getURL()"),this.getURL(e,t,s)}getURL(e,t,s={}){if(!t||!e?.id||!e?.collectionId&&!e?.collectionName)return"";let r=[];r.push("api"),r.push("files"),r.push(encodeURIComponent(e.collectionId||e.collectionName)),r.push(encodeURIComponent(e.id)),r.push(encodeURIComponent(t));let o=this.client.buildURL(r.join("/"));s.download===!1&&delete s.download;let i=Ct(s);return i&&(o+=(o.includes("?")?"&":"?")+i),o}async getToken(e){return e=Object.assign({method:"POST"},e),this.client.send("/api/files/token",e).then((t=>t?.token||""))}},yt=class extends V{async getFullList(e){return e=Object.assign({method:"GET"},e),this.client.send("/api/backups",e)}async create(e,t){return t=Object.assign({method:"POST",body:{name:e}},t),this.client.send("/api/backups",t).then((()=>!0))}async upload(e,t){return t=Object.assign({method:"POST",body:e},t),this.client.send("/api/backups/upload",t).then((()=>!0))}async delete(e,t){return t=Object.assign({method:"DELETE"},t),this.client.send(`/api/backups/${encodeURIComponent(e)}`,t).then((()=>!0))}async restore(e,t){return t=Object.assign({method:"POST"},t),this.client.send(`/api/backups/${encodeURIComponent(e)}/restore`,t).then((()=>!0))}getDownloadUrl(e,t){return console.warn("Please replace pb.backups.getDownloadUrl() with pb.backups.getDownloadURL()"),this.getDownloadURL(e,t)}getDownloadURL(e,t){return this.client.buildURL(`/api/backups/${encodeURIComponent(t)}?token=${encodeURIComponent(e)}`)}},$t=class extends V{async getFullList(e){return e=Object.assign({method:"GET"},e),this.client.send("/api/crons",e)}async run(e,t){return t=Object.assign({method:"POST"},t),this.client.send(`/api/crons/${encodeURIComponent(e)}`,t).then((()=>!0))}},vt=class extends V{async run(e,t){return t=Object.assign({method:"POST",body:{query:e}},t),this.client.send("/api/sql",t)}};function _t(n){return typeof Blob<"u"&&n instanceof Blob||typeof File<"u"&&n instanceof File||n!==null&&typeof n=="object"&&n.uri&&(typeof navigator<"u"&&navigator.product==="ReactNative"||typeof global<"u"&&global.HermesInternal)}function wt(n){return n&&(n.constructor?.name==="FormData"||typeof FormData<"u"&&n instanceof FormData)}function fn(n){for(let e in n){let t=Array.isArray(n[e])?n[e]:[n[e]];for(let s of t)if(_t(s))return!0}return!1}var qs=/^[\-\.\d]+$/;function gn(n){if(typeof n!="string")return n;if(n=="true")return!0;if(n=="false")return!1;if((n[0]==="-"||n[0]>="0"&&n[0]<="9")&&qs.test(n)){let e=+n;if(""+e===n)return e}return n}var xt=class extends V{constructor(){super(...arguments),this.requests=[],this.subs={}}collection(e){return this.subs[e]||(this.subs[e]=new kt(this.requests,e)),this.subs[e]}async send(e){let t=new FormData,s=[];for(let r=0;r<this.requests.length;r++){let o=this.requests[r];if(s.push({method:o.method,url:o.url,headers:o.headers,body:o.json}),o.files)for(let i in o.files){let a=o.files[i]||[];for(let l of a)t.append("requests."+r+"."+i,l)}}return t.append("@jsonPayload",JSON.stringify({requests:s})),e=Object.assign({method:"POST",body:t},e),this.client.send("/api/batch",e)}},kt=class{constructor(e,t){this.requests=[],this.requests=e,this.collectionIdOrName=t}upsert(e,t){t=Object.assign({body:e||{}},t);let s={method:"PUT",url:"/api/collections/"+encodeURIComponent(this.collectionIdOrName)+"/records"};this.prepareRequest(s,t),this.requests.push(s)}create(e,t){t=Object.assign({body:e||{}},t);let s={method:"POST",url:"/api/collections/"+encodeURIComponent(this.collectionIdOrName)+"/records"};this.prepareRequest(s,t),this.requests.push(s)}update(e,t,s){s=Object.assign({body:t||{}},s);let r={method:"PATCH",url:"/api/collections/"+encodeURIComponent(this.collectionIdOrName)+"/records/"+encodeURIComponent(e)};this.prepareRequest(r,s),this.requests.push(r)}delete(e,t){t=Object.assign({},t);let s={method:"DELETE",url:"/api/collections/"+encodeURIComponent(this.collectionIdOrName)+"/records/"+encodeURIComponent(e)};this.prepareRequest(s,t),this.requests.push(s)}prepareRequest(e,t){if(St(t),e.headers=t.headers,e.json={},e.files={},t.query!==void 0){let r=Ct(t.query);r&&(e.url+=(e.url.includes("?")?"&":"?")+r)}let s=t.body;wt(s)&&(s=(function(o){let i={};return o.forEach(((a,l)=>{if(l==="@jsonPayload"&&typeof a=="string")try{let m=JSON.parse(a);Object.assign(i,m)}catch(m){console.warn("@jsonPayload error:",m)}else i[l]!==void 0?(Array.isArray(i[l])||(i[l]=[i[l]]),i[l].push(gn(a))):i[l]=gn(a)})),i})(s));for(let r in s){let o=s[r];if(_t(o))e.files[r]=e.files[r]||[],e.files[r].push(o);else if(Array.isArray(o)){let i=[],a=[];for(let l of o)_t(l)?i.push(l):a.push(l);if(i.length>0&&i.length==o.length){e.files[r]=e.files[r]||[];for(let l of i)e.files[r].push(l)}else if(e.json[r]=a,i.length>0){let l=r;r.startsWith("+")||r.endsWith("+")||(l+="+"),e.files[l]=e.files[l]||[];for(let m of i)e.files[l].push(m)}}else e.json[r]=o}}};RegExp.escape||(RegExp.escape=function(n){return n.replace(/[/\-\\^$*+?.()|[\]{}]/g,"\\$&")});var Se=class{get baseUrl(){return this.baseURL}set baseUrl(e){this.baseURL=e}constructor(e="/",t,s="en-US"){this.cancelControllers={},this.recordServices={},this.enableAutoCancellation=!0,this.baseURL=e,this.lang=s,t?this.authStore=t:typeof window<"u"&&window.Deno?this.authStore=new xe:this.authStore=new ke,this.collections=new mt(this),this.files=new bt(this),this.logs=new ft(this),this.settings=new pt(this),this.realtime=new He(this),this.health=new gt(this),this.backups=new yt(this),this.crons=new $t(this),this.sql=new vt(this)}get admins(){return this.collection("_superusers")}createBatch(){return new xt(this)}collection(e){return this.recordServices[e]||(this.recordServices[e]=new ht(this,e)),this.recordServices[e]}autoCancellation(e){return this.enableAutoCancellation=!!e,this}cancelRequest(e){return this.cancelControllers[e]&&(this.cancelControllers[e].abort(),delete this.cancelControllers[e]),this}cancelAllRequests(){for(let e in this.cancelControllers)this.cancelControllers[e].abort();return this.cancelControllers={},this}filter(e,t){if(!t)return e;let s={};for(let o in t)s["{:"+o+"}"]=t[o];let r=Object.keys(s).map((o=>RegExp.escape(o))).join("|");return r?e.replace(new RegExp(r,"g"),(o=>(function(a){switch(typeof a){case"boolean":case"number":return""+a;case"string":return JSON.stringify(a);default:if(a==null)return"null";if(a instanceof Date)return JSON.stringify(a.toISOString().replace("T"," "));let l=JSON.stringify(a);return l.startsWith("[")||l.startsWith("{")?JSON.stringify(l):l}})(s[o]))):e}getFileUrl(e,t,s={}){return console.warn("Please replace pb.getFileUrl() with pb.files.getURL()"),this.files.getURL(e,t,s)}buildUrl(e){return console.warn("Please replace pb.buildUrl() with pb.buildURL()"),this.buildURL(e)}buildURL(e){let t=this.baseURL;return typeof window>"u"||!window.location||t.startsWith("https://")||t.startsWith("http://")||(t=window.location.origin?.endsWith("/")?window.location.origin.substring(0,window.location.origin.length-1):window.location.origin||"",this.baseURL.startsWith("/")||(t+=window.location.pathname||"/",t+=t.endsWith("/")?"":"/"),t+=this.baseURL),e&&(t+=t.endsWith("/")?"":"/",t+=e.startsWith("/")?e.substring(1):e),t}async send(e,t){t=this.initSendOptions(e,t);let s=this.buildURL(e);if(this.beforeSend){let r=Object.assign({},await this.beforeSend(s,t));r.url!==void 0||r.options!==void 0?(s=r.url||s,t=r.options||t):Object.keys(r).length&&(t=r,console?.warn&&console.warn("Deprecated format of beforeSend return: please use `return { url, options }`, instead of `return options`."))}if(t.query!==void 0){let r=Ct(t.query);r&&(s+=(s.includes("?")?"&":"?")+r),delete t.query}return this.getHeader(t.headers,"Content-Type")=="application/json"&&t.body&&typeof t.body!="string"&&(t.body=JSON.stringify(t.body)),(t.fetch||fetch)(s,t).then((async r=>{let o={};try{o=await r.json()}catch(i){if(t.signal?.aborted||i?.name=="AbortError"||i?.message=="Aborted")throw i}if(this.afterSend&&(o=await this.afterSend(r,o,t)),r.status>=400)throw new W({url:r.url,status:r.status,data:o});return o})).catch((r=>{throw new W(r)}))}initSendOptions(e,t){if((t=Object.assign({method:"GET"},t)).body=(function(r){if(typeof FormData>"u"||r===void 0||typeof r!="object"||r===null||wt(r)||!fn(r))return r;let o=new FormData;for(let i in r){let a=r[i];if(a!==void 0)if(typeof a!="object"||fn({data:a})){let l=Array.isArray(a)?a:[a];for(let m of l)o.append(i,m)}else{let l={};l[i]=a,o.append("@jsonPayload",JSON.stringify(l))}}return o})(t.body),St(t),t.query=Object.assign({},t.params,t.query),t.requestKey===void 0&&(t.$autoCancel===!1||t.query.$autoCancel===!1?t.requestKey=null:(t.$cancelKey||t.query.$cancelKey)&&(t.requestKey=t.$cancelKey||t.query.$cancelKey)),delete t.$autoCancel,delete t.query.$autoCancel,delete t.$cancelKey,delete t.query.$cancelKey,this.getHeader(t.headers,"Content-Type")!==null||wt(t.body)||(t.headers=Object.assign({},t.headers,{"Content-Type":"application/json"})),this.getHeader(t.headers,"Accept-Language")===null&&(t.headers=Object.assign({},t.headers,{"Accept-Language":this.lang})),this.authStore.token&&this.getHeader(t.headers,"Authorization")===null&&(t.headers=Object.assign({},t.headers,{Authorization:this.authStore.token})),this.enableAutoCancellation&&t.requestKey!==null){let s=t.requestKey||(t.method||"GET")+e;delete t.requestKey,this.cancelRequest(s);let r=new AbortController;this.cancelControllers[s]=r,t.signal=r.signal}return t}getHeader(e,t){e=e||{},t=t.toLowerCase();for(let s in e)if(s.toLowerCase()==t)return e[s];return null}};var T=new Se(location.origin,new ke("galley_dashboard_auth"));T.autoCancellation(!1);var ie=be({user:$n(),expired:!1});function $n(){return T.authStore.isValid&&T.authStore.isSuperuser?T.authStore.record:null}T.authStore.onChange(()=>{let n=$n();ie.set(e=>({user:n||(e.expired?e.user:null),expired:n?!1:e.expired}))});var js=/\/(auth-with-password|auth-with-otp|request-otp|install|auth-methods)(\?|$)/;T.afterSend=(n,e,t)=>{let s=t?.headers?.Authorization||t?.headers?.authorization||"";return n.status===401&&ie.get().user&&!js.test(n.url)&&s&&s===T.authStore.token&&ie.set(r=>({...r,expired:!0})),e};function $e(){T.authStore.clear(),ie.set({user:null,expired:!1})}async function vn(){if(T.authStore.token){if(!T.authStore.isValid||!T.authStore.isSuperuser){$e();return}try{await T.collection("_superusers").authRefresh()}catch(n){(n.status===401||n.status===403||n.status===404)&&$e()}}}var Ot=[],Tt=[];function X(n,e,t={}){Ot.push({pattern:n,parts:kn(n),component:e,priority:t.priority??0,...t}),Ot.sort((s,r)=>r.priority-s.priority)}function wn(n){Tt.push(n),Tt.sort((e,t)=>(e.order??100)-(t.order??100))}function xn(){return Tt}function kn(n){return n.split("/").filter(Boolean)}function _n(n){let e=(n||"").replace(/^#/,"")||"/",[t,s=""]=e.split("?");return{path:t||"/",query:Object.fromEntries(new URLSearchParams(s))}}function Sn(n){let e=kn(n);for(let t of Ot){if(t.parts.length!==e.length)continue;let s={},r=!0;for(let o=0;o<e.length&&r;o++){let i=t.parts[o];i.startsWith(":")?s[i.slice(1)]=decodeURIComponent(e[o]):r=i===e[o]}if(r)return{route:t,params:s}}return null}function G(n,{replace:e=!1}={}){e?(history.replaceState(null,"",n),window.dispatchEvent(new HashChangeEvent("hashchange"))):location.hash=n.replace(/^#/,"")}function Cn(){let[n,e]=w(()=>_n(location.hash));return O(()=>{let t=()=>e(_n(location.hash));return window.addEventListener("hashchange",t),()=>window.removeEventListener("hashchange",t)},[]),n}function M(n){if(!n)return{message:"",fields:{},status:0};let e=n.response||{},t={};On(e.data||n.data?.data||{},"",t);let s=e.message||n.message||String(n);return(n.status===0||n.isAbort)&&(s="Galley could not be reached. Is the server running?"),{message:s,fields:t,status:n.status??0}}function On(n,e,t){if(!(!n||typeof n!="object")){if(typeof n.message=="string"&&typeof n.code=="string"){t[e]=n.message;return}for(let[s,r]of Object.entries(n))On(r,e?`${e}.${s}`:s,t)}}function Tn(n,e){let t={},s=e+".";for(let[r,o]of Object.entries(n||{}))r.startsWith(s)&&(t[r.slice(s.length)]=o);return t}function Ke(n,e){let t=0;for(let s of Object.keys(n||{}))e.some(r=>s===r||s.startsWith(r+"."))&&t++;return t}function Ce(n,e,t){return[e&&`${n}-hint`,t&&`${n}-err`].filter(Boolean).join(" ")||void 0}function Oe({id:n,hint:e,error:t}){return p`
    ${e&&p`<p class="hint" id=${`${n}-hint`}>${e}</p>`}
    ${t&&p`<p class="field-error" id=${`${n}-err`} role="alert">${t}</p>`}
  `}function E({label:n,value:e,onInput:t,error:s,hint:r,rows:o,class:i,inputRef:a,mono:l,...m}){let c=J(),h={id:c,value:e??"",onInput:f=>t?.(f.currentTarget.value),"aria-invalid":s?"true":void 0,"aria-describedby":Ce(c,r,s),class:l?"mono":void 0,ref:a,...m};return p`
    <div class=${`field ${i||""}`}>
      <label for=${c}>${n}</label>
      ${o?p`<textarea rows=${o} spellcheck=${!1} ...${h}></textarea>`:p`<input type="text" ...${h} />`}
      <${Oe} id=${c} hint=${r} error=${s} />
    </div>
  `}function ae({label:n,value:e,onChange:t,error:s,hint:r,class:o,...i}){let a=J();return p`
    <div class=${`field ${o||""}`}>
      <label for=${a}>${n}</label>
      <input
        id=${a}
        type="number"
        inputmode="decimal"
        value=${e??""}
        onInput=${l=>{let m=l.currentTarget.value;t?.(m===""?null:Number(m))}}
        aria-invalid=${s?"true":void 0}
        aria-describedby=${Ce(a,r,s)}
        ...${i}
      />
      <${Oe} id=${a} hint=${r} error=${s} />
    </div>
  `}function N({label:n,checked:e,onChange:t,hint:s,error:r,class:o,...i}){let a=J();return p`
    <div class=${`check ${o||""}`}>
      <input
        id=${a}
        type="checkbox"
        checked=${!!e}
        onChange=${l=>t?.(l.currentTarget.checked)}
        aria-invalid=${r?"true":void 0}
        aria-describedby=${Ce(a,s,r)}
        ...${i}
      />
      <label for=${a}>${n}</label>
      <${Oe} id=${a} hint=${s} error=${r} />
    </div>
  `}function te({label:n,value:e,onChange:t,options:s,error:r,hint:o,class:i,...a}){let l=J();return p`
    <div class=${`field ${i||""}`}>
      <label for=${l}>${n}</label>
      <select
        id=${l}
        value=${e??""}
        onChange=${m=>t?.(m.currentTarget.value)}
        aria-invalid=${r?"true":void 0}
        aria-describedby=${Ce(l,o,r)}
        ...${a}
      >
        ${s.map(m=>{let c=typeof m=="string"?{value:m,label:m}:m;return p`<option value=${c.value} disabled=${c.disabled}>${c.label}</option>`})}
      </select>
      <${Oe} id=${l} hint=${o} error=${r} />
    </div>
  `}var Rn=n=>n.split(/[,\n]/).map(e=>e.trim()).filter(Boolean);function En({label:n,value:e,onChange:t,error:s,hint:r,class:o,...i}){let a=J(),l=e||[],[m,c]=w(l.join(", "));return O(()=>{Rn(m).join(`
`)!==l.join(`
`)&&c(l.join(", "))},[l.join(`
`)]),p`
    <div class=${`field ${o||""}`}>
      <label for=${a}>${n}</label>
      <input
        id=${a}
        type="text"
        value=${m}
        onInput=${h=>{c(h.currentTarget.value),t?.(Rn(h.currentTarget.value))}}
        aria-invalid=${s?"true":void 0}
        aria-describedby=${Ce(a,r||"Separate values with commas.",s)}
        ...${i}
      />
      <${Oe} id=${a} hint=${r||"Separate values with commas."} error=${s} />
    </div>
  `}function ne({message:n}){return n?p`<div class="form-error" role="alert">${n}</div>`:null}function Je(){let n=F(null);return O(()=>n.current?.focus(),[]),n}var Rt=()=>T.collection("_superusers");function In({email:n="",onDone:e,submitLabel:t="Log in"}){let[s,r]=w(n),[o,i]=w(""),[a,l]=w(""),[m,c]=w(null),[h,f]=w(""),[d,u]=w(!1),[y,v]=w({message:"",fields:{}}),$=Je(),b=A=>{let R=M(A);!Object.keys(R.fields).length&&(R.status===400||R.status===401)&&(R.fields=m?{otp:R.message}:{password:R.message},R.message=""),v(R)},g=async A=>{let R=await Rt().requestOTP(s);c({otpId:R.otpId}),f(A||""),l(""),v({message:"",fields:{}})},_=async A=>{A.preventDefault(),u(!0);try{m?await Rt().authWithOTP(m.otpId,a.trim(),h?{mfaId:h}:{}):await Rt().authWithPassword(s,o,h?{mfaId:h}:{}),e?.()}catch(R){let x=R?.response?.mfaId;if(R.status===401&&x)try{m?(c(null),f(x),v({message:"Now enter your password (multi-factor authentication).",fields:{}})):await g(x)}catch(q){b(q)}else b(R)}finally{u(!1)}},C=async()=>{if(!s){v({message:"",fields:{email:"Enter your email first."}});return}u(!0);try{await g(h)}catch(A){b(A)}finally{u(!1)}},P=y.fields;return p`
    <form onSubmit=${_} novalidate>
      ${m?p`
            <p>We sent a one-time code to <strong>${s}</strong>.</p>
            <${E}
              label="One-time code"
              value=${a}
              onInput=${l}
              error=${P.otp||P.password}
              autocomplete="one-time-code"
              inputmode="numeric"
              required
              inputRef=${$}
            />
          `:p`
            <${E} label="Email" type="email" value=${s} onInput=${r} error=${P.identity||P.email}
              autocomplete="username" required inputRef=${n?void 0:$} autofocus=${!n} />
            <${E} label="Password" type="password" value=${o} onInput=${i} error=${P.password}
              autocomplete="current-password" required inputRef=${n?$:void 0} autofocus=${!!n} />
          `}
      <${ne} message=${y.message} />
      <div class="actions">
        <button class="btn primary" type="submit" disabled=${d}>${d?"Checking…":m?"Verify code":t}</button>
        ${!m&&!h&&p`<button class="btn link" type="button" onClick=${C} disabled=${d}>Email me a one-time code instead</button>`}
        ${m&&p`<button class="btn link" type="button" onClick=${()=>g(h).catch(b)} disabled=${d}>Send a new code</button>`}
      </div>
    </form>
  `}function Ve(){return p`
    <main class="center" id="main-content" tabindex="-1">
      <div class="card narrow">
        <div class="brand big">Galley</div>
        <h1>Log in</h1>
        <p class="muted">Superusers manage collections, records and settings here.</p>
        <${In} />
        <p class="muted small">
          First start? <code>galley serve</code> printed a link to create the first superuser
          (<a href="#/install">enter the install token</a>), or run <code>galley superuser upsert EMAIL PASSWORD</code>.
        </p>
      </div>
    </main>
  `}function Pn({email:n}){return p`
    <div class="card narrow">
      <p>Your session has ended. Log in again to go on: what you typed is kept.</p>
      <${In} email=${n} submitLabel="Log in again" />
      <button class="btn link" type="button" onClick=${$e}>Log out instead</button>
    </div>
  `}function An({query:n}){let[e,t]=w(n.token||""),[s,r]=w(""),[o,i]=w(""),[a,l]=w(""),[m,c]=w(!1),[h,f]=w({message:"",fields:{}}),d=Je(),u=async v=>{if(v.preventDefault(),o!==a){f({message:"",fields:{passwordConfirm:"The passwords do not match."}});return}c(!0);try{let $=await T.send("/api/install",{method:"POST",body:{token:e.trim(),email:s,password:o}});$?.token?T.authStore.save($.token,$.record):await T.collection("_superusers").authWithPassword(s,o),G("#/collections",{replace:!0})}catch($){let b=M($);b.status===403&&(b.fields={token:b.message},b.message=""),f(b)}finally{c(!1)}},y=h.fields;return p`
    <main class="center" id="main-content" tabindex="-1">
      <div class="card narrow">
        <div class="brand big">Galley</div>
        <h1>Create the first superuser</h1>
        <p class="muted">
          Superusers manage collections, records and settings. The install token is in the link
          <code>galley serve</code> printed; it works once, until the server stops.
        </p>
        <form onSubmit=${u} novalidate>
          <${E} label="Install token" value=${e} onInput=${t} error=${y.token} autocomplete="off" required
            inputRef=${n.token?void 0:d} mono />
          <${E} label="Email" type="email" value=${s} onInput=${r} error=${y.email} autocomplete="username" required
            inputRef=${n.token?d:void 0} />
          <${E} label="Password" type="password" value=${o} onInput=${i} error=${y.password}
            hint="At least 8 characters." autocomplete="new-password" required />
          <${E} label="Confirm password" type="password" value=${a} onInput=${l} error=${y.passwordConfirm}
            autocomplete="new-password" required />
          <${ne} message=${h.message} />
          <div class="actions">
            <button class="btn primary" type="submit" disabled=${m}>${m?"Creating…":"Create superuser and log in"}</button>
            <a class="btn link" href="#/login">I already have an account</a>
          </div>
        </form>
      </div>
    </main>
  `}var Z=be({items:[],loaded:!1,error:null}),Te=null;function Q(){return Te||(Te=T.collections.getFullList({perPage:500,sort:"name"}).then(n=>Z.set({items:n,loaded:!0,error:null})).catch(n=>Z.set(e=>({...e,error:n}))).finally(()=>{Te=null}),Te)}function H(n){return n.system||n.name.startsWith("_")}var Us=n=>{let e=n.type==="view"?["listRule","viewRule"]:["listRule","viewRule","createRule","updateRule","deleteRule"],t=e.filter(o=>n[o]==="").length,s=e.filter(o=>n[o]===null||n[o]===void 0).length,r=e.length-t-s;return[t&&`${t} public`,r&&`${r} by rule`,s&&`${s} superusers only`].filter(Boolean).join(", ")};function Ln(){let{items:n,loaded:e,error:t}=z(Z);O(()=>{Q()},[]);let s=n.filter(i=>!H(i)),r=n.filter(H),o=i=>p`<tr key=${i.id}>
    <th scope="row"><a href=${`#/collections/${i.id}/edit`}>${i.name}</a>${H(i)&&p` <span class="badge">system</span>`}</th>
    <td><span class=${`badge t-${i.type}`}>${i.type}</span></td>
    <td>${i.type==="view"?"from query":(i.fields||[]).length}</td>
    <td class="muted">${Us(i)}</td>
  </tr>`;return p`
    <div class="page">
      <div class="page-head">
        <h1 tabindex="-1">Collections</h1>
        <div class="actions">
          <a class="btn" href="#/collections/import">Import</a>
          <a class="btn" href="#/collections/export">Export</a>
          <a class="btn primary" href="#/collections/new">New collection</a>
        </div>
      </div>
      ${t&&p`<p class="field-error" role="alert">Could not load the collections. <button class="btn link" onClick=${Q}>Retry</button></p>`}
      ${e&&s.length===0&&p`<div class="empty">
        <h2>No collections yet</h2>
        <p>A collection is a table with an API: records, fields and rules. Start with an auth collection for your users, or a base collection for your data.</p>
        <p>
          <a class="btn primary" href="#/collections/new?type=auth">New auth collection</a>
          <a class="btn" href="#/collections/new?type=base">New base collection</a>
        </p>
      </div>`}
      ${!e&&!t&&p`<p role="status">Loading…</p>`}
      ${e&&p`<div class="table-wrap">
        <table class="list">
          <caption class="sr-only">All collections</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Fields</th><th scope="col">API access</th></tr></thead>
          <tbody>${s.map(o)}${r.map(o)}</tbody>
        </table>
      </div>`}
    </div>
  `}var Et="galley.draft.";function qn(n){try{let e=sessionStorage.getItem(Et+n);return e?JSON.parse(e):null}catch{return null}}function jn(n,e){try{sessionStorage.setItem(Et+n,JSON.stringify(e))}catch{}}function ue(n){try{sessionStorage.removeItem(Et+n)}catch{}}function Re({open:n,title:e,onClose:t,children:s,wide:r}){let o=F(null),i=J();return O(()=>{let a=o.current;a&&(n&&!a.open&&a.showModal(),!n&&a.open&&a.close())},[n]),p`
    <dialog ref=${o} class=${r?"wide":""} aria-labelledby=${i} onCancel=${a=>{a.preventDefault(),t?.()}}>
      ${n&&p`<h2 id=${i}>${e}</h2>${s}`}
    </dialog>
  `}function Ee({open:n,title:e,confirmLabel:t="Confirm",danger:s,onConfirm:r,onCancel:o,busy:i,children:a}){return p`
    <${Re} open=${n} title=${e} onClose=${o}>
      <div class="dialog-body">${a}</div>
      <div class="actions">
        <button type="button" class="btn" onClick=${o} autofocus>Cancel</button>
        <button type="button" class=${`btn ${s?"danger":"primary"}`} disabled=${i} onClick=${r}>${t}</button>
      </div>
    <//>
  `}var It=be([]),Ns=1;function pe(n,e="ok"){let t=Ns++;It.set(s=>[...s,{id:t,text:n,kind:e}]),setTimeout(()=>It.set(s=>s.filter(r=>r.id!==t)),e==="error"?8e3:4e3)}function Ge(){let n=z(It);return p`
    <div class="toasts" role="status" aria-live="polite">
      ${n.map(e=>p`<div key=${e.id} class=${`toast ${e.kind}`}>${e.text}</div>`)}
    </div>
  `}var Pt=[["text","Plain text"],["editor","Rich text"],["number","Number"],["bool","Bool"],["email","Email"],["url","URL"],["date","Date and time"],["autodate","Autodate (set on create/update)"],["select","Select (one or more values)"],["file","File"],["relation","Relation (to records of a collection)"],["json","JSON"],["geoPoint","Geo point"],["password","Password"]],Un=Object.fromEntries(Pt),At=[["listRule","List/Search rule","list and search records"],["viewRule","View rule","view a record"],["createRule","Create rule","create records"],["updateRule","Update rule","update records"],["deleteRule","Delete rule","delete records"]],Nn=[["authRule","Auth rule","log in (checked after the credentials)"],["manageRule","Manage rule","change other records' email, password and verified flag"]],Ds=0,Dn=()=>`k${++Ds}`;function he(n){return{...n,fields:(n.fields||[]).map(e=>({...e,_key:e._key||e.id||Dn()}))}}function Fn(n){return{...{name:"",type:n,system:!1,hidden:!1,presentable:!1,required:!1,_key:Dn()},...{text:{min:0,max:0,pattern:"",autogeneratePattern:""},password:{min:8,max:0,pattern:"",cost:0},number:{min:null,max:null,onlyInt:!1},email:{exceptDomains:[],onlyDomains:[]},url:{exceptDomains:[],onlyDomains:[]},editor:{maxSize:0,convertURLs:!1},date:{min:"",max:""},autodate:{onCreate:!0,onUpdate:!1},select:{values:[],maxSelect:1},json:{maxSize:0},relation:{collectionId:"",cascadeDelete:!1,minSelect:0,maxSelect:1},file:{maxSelect:1,maxSize:0,mimeTypes:[],thumbs:[],protected:!1}}[n]||{}}}function Qe(n){let e={};for(let[t,s]of Object.entries(n))t.startsWith("_")||t==="created"||t==="updated"||(e[t]=s);return e.fields=(n.fields||[]).map(t=>{let s={};for(let[r,o]of Object.entries(t))!r.startsWith("_")&&!(r==="id"&&!o)&&(s[r]=o);return s}),e.indexes=n.indexes||[],n.type==="view"&&delete e.indexes,e}function Lt(n,e){if(!n?.id)return[];let t=[];if(n.name!==e.name&&t.push({kind:"rename",text:`The collection “${n.name}” is renamed to “${e.name}”: API URLs, rules and @collection.${n.name} references elsewhere must change.`}),n.type==="view")return n.viewQuery!==e.viewQuery&&t.push({kind:"query",text:"The view query changes: the view’s fields are derived again from it."}),t;let s=new Map(e.fields.filter(o=>o.id).map(o=>[o.id,o]));for(let o of n.fields||[]){let i=s.get(o.id);if(!i){t.push({kind:"delete",text:`The field “${o.name}” (${o.type}) is deleted, with its data in every record.`});continue}if(i.name!==o.name&&t.push({kind:"rename",text:`The field “${o.name}” is renamed to “${i.name}”: clients, rules and filters that use “${o.name}” must change.`}),["select","relation","file"].includes(o.type)&&o.maxSelect>1&&i.maxSelect<=1&&t.push({kind:"delete",text:`The field “${i.name}” goes from several values to one: records that have more keep only one.`}),o.type==="select"){let a=(o.values||[]).filter(l=>!(i.values||[]).includes(l));a.length&&t.push({kind:"delete",text:`The field “${i.name}” no longer allows ${a.map(l=>`“${l}”`).join(", ")}: records that hold them keep values the field no longer accepts.`})}}let r=(n.indexes||[]).filter(o=>!(e.indexes||[]).includes(o));return r.length&&t.push({kind:"index",text:`${r.length} index${r.length>1?"es are":" is"} dropped or changed.`}),t}function Fs({f:n,set:e,err:t,all:s,selfId:r}){let o=(c,h,f)=>p`<${ae} label=${h} value=${n[c]} onChange=${d=>e({[c]:d??0})} error=${t[c]} hint=${f} min="0" />`,i=(c,h)=>p`<${ae} label=${h} value=${n[c]} onChange=${f=>e({[c]:f})} error=${t[c]} hint="Empty: no bound." />`,a=(c,h,f)=>p`<${E} label=${h} value=${n[c]} onInput=${d=>e({[c]:d})} error=${t[c]} hint=${f} mono />`,l=(c,h,f)=>p`<${En} label=${h} value=${n[c]} onChange=${d=>e({[c]:d})} error=${t[c]} hint=${f} />`,m=(c,h,f)=>p`<${N} label=${h} checked=${n[c]} onChange=${d=>e({[c]:d})} error=${t[c]} hint=${f} />`;switch(n.type){case"text":return p`<div class="grid">
        ${o("min","Min length","0: no minimum.")} ${o("max","Max length","0: the default (5000).")}
        ${a("pattern","Pattern","A regular expression values must match.")}
        ${a("autogeneratePattern","Autogenerate pattern","Fills empty values, e.g. [a-z0-9]{8}.")}
      </div>`;case"password":return p`<div class="grid">
        ${o("min","Min length")} ${o("max","Max length","0: 71 bytes (bcrypt).")}
        ${a("pattern","Pattern")} ${o("cost","bcrypt cost","0: the default (10).")}
      </div>`;case"number":return p`<div class="grid">${i("min","Min")} ${i("max","Max")} ${m("onlyInt","Integers only")}</div>`;case"email":case"url":return p`<div class="grid">
        ${l("onlyDomains","Only domains","Allow only these domains (comma-separated).")}
        ${l("exceptDomains","Except domains","Refuse these domains (comma-separated).")}
      </div>`;case"editor":return p`<div class="grid">${o("maxSize","Max size (bytes)","0: the default.")} ${m("convertURLs","Convert URLs to relative")}</div>`;case"date":return p`<div class="grid">
        ${a("min","Earliest","e.g. 2024-01-01 00:00:00.000Z; empty: none.")} ${a("max","Latest","Empty: none.")}
      </div>`;case"autodate":return p`<div class="grid">${m("onCreate","Set on create")} ${m("onUpdate","Set on update")}</div>`;case"select":return p`<div class="grid">
        ${l("values","Values","The allowed values, comma-separated.")}
        ${o("maxSelect","Max selected","1: one value; more: a list.")}
      </div>`;case"json":return p`<div class="grid">${o("maxSize","Max size (bytes)","0: 1 MiB.")}</div>`;case"relation":{let c=s;return p`<div class="grid">
        <${te}
          label="Related collection"
          value=${n.collectionId}
          onChange=${h=>e({collectionId:h})}
          error=${t.collectionId}
          options=${[{value:"",label:"Choose a collection…"},...c.map(h=>({value:h.id,label:`${h.name} (${h.type})`}))]}
        />
        ${o("minSelect","Min selected")} ${o("maxSelect","Max selected","1: one record; more: a list.")}
        ${m("cascadeDelete","Cascade delete","Deleting the related record deletes this one.")}
      </div>`}case"file":return p`<div class="grid">
        ${o("maxSelect","Max files","1: one file; more: a list.")} ${o("maxSize","Max size (bytes)","0: 5 MiB.")}
        ${l("mimeTypes","MIME types","e.g. image/png, image/jpeg; empty: any.")}
        ${l("thumbs","Thumb sizes","e.g. 100x100, 0x300, 200x200t.")}
        ${m("protected","Protected","Files need a file token whose record passes the view rule.")}
      </div>`;default:return null}}function Ms({f:n,index:e,count:t,set:s,remove:r,move:o,err:i,all:a,selfId:l,isNew:m,focusRef:c}){let[h,f]=w(m),d=J(),u=i,y=Object.keys(u).some($=>$!=="name");O(()=>{y&&f(!0)},[y]);let v=`Field ${e+1}: ${n.name||"new field"} (${n.type})`;return p`
    <fieldset class=${`field-card ${n.system?"system":""}`}>
      <legend class="sr-only">${v}</legend>
      <div class="field-row">
        <span class=${`type-badge t-${n.type}`} title=${Un[n.type]}>${n.type}</span>
        <${E}
          class="grow"
          label="Name"
          value=${n.name}
          onInput=${$=>s({name:$})}
          error=${u.name}
          disabled=${n.system}
          inputRef=${c}
          autocomplete="off"
          spellcheck=${!1}
        />
        ${n.system&&p`<span class="badge">system</span>`}
        <div class="row-actions">
          <${N} label="Required" checked=${n.required} onChange=${$=>s({required:$})} error=${u.required} />
          <button type="button" class="btn icon" onClick=${()=>o(-1)} disabled=${e===0} aria-label=${`Move ${n.name||"field"} up`} title="Move up">↑</button>
          <button type="button" class="btn icon" onClick=${()=>o(1)} disabled=${e===t-1} aria-label=${`Move ${n.name||"field"} down`} title="Move down">↓</button>
          <button type="button" class="btn" aria-expanded=${h?"true":"false"} aria-controls=${d} onClick=${()=>f(!h)}>
            Options<span class="sr-only"> of ${n.name||"the new field"}</span>
          </button>
          ${!n.system&&p`<button type="button" class="btn danger-text" onClick=${r} aria-label=${`Remove field ${n.name||e+1}`}>Remove</button>`}
        </div>
      </div>
      <div id=${d} class="field-options" hidden=${!h}>
        <div class="grid">
          <${N} label="Hidden" checked=${n.hidden} onChange=${$=>s({hidden:$})} hint="Only superusers see it in API answers." />
          <${N} label="Presentable" checked=${n.presentable} onChange=${$=>s({presentable:$})} hint="Shown for this record in relation pickers." />
        </div>
        <${Fs} f=${n} set=${s} err=${u} all=${a} selfId=${l} />
      </div>
    </fieldset>
  `}function Mn({draft:n,update:e,orig:t,errors:s,all:r}){let[o,i]=w("text"),a=F(null),l=F(null),m=n.fields;O(()=>{a.current&&l.current&&(l.current.focus(),a.current=null)});let c=(b,g)=>e(_=>({..._,fields:_.fields.map((C,P)=>P===b?{...C,...g}:C)})),h=b=>e(g=>({...g,fields:g.fields.filter((_,C)=>C!==b)})),f=(b,g)=>e(_=>{let C=[..._.fields],P=b+g;return P<0||P>=C.length?_:([C[b],C[P]]=[C[P],C[b]],{..._,fields:C})}),d=()=>{let b=Fn(o);a.current=b._key,e(g=>{let _=[...g.fields],C=_.length;for(;C>0&&_[C-1].type==="autodate"&&["created","updated"].includes(_[C-1].name);)C--;return _.splice(C,0,b),{...g,fields:_}})},u=new Set(m.map(b=>b.id).filter(Boolean)),y=(t?.fields||[]).filter(b=>!u.has(b.id)),v=new Set((t?.fields||[]).map(b=>b.id)),$=b=>e(g=>({...g,fields:[...g.fields,{...b,_key:b.id}]}));return p`
    <div class="fields">
      ${m.map((b,g)=>p`<${Ms}
          key=${b._key}
          f=${b}
          index=${g}
          count=${m.length}
          set=${_=>c(g,_)}
          remove=${()=>h(g)}
          move=${_=>f(g,_)}
          err=${Tn(s,`fields.${g}`)}
          all=${r}
          selfId=${n.id}
          isNew=${!b.id||t&&!v.has(b.id)}
          focusRef=${a.current===b._key?l:void 0}
        />`)}
      ${y.length>0&&p`<div class="removed" role="region" aria-label="Removed fields">
        <p><strong>Removed, deleted with their data when you save:</strong></p>
        <ul>
          ${y.map(b=>p`<li key=${b.id}><s>${b.name}</s> (${b.type}) <button type="button" class="btn small" onClick=${()=>$(b)}>Restore ${b.name}</button></li>`)}
        </ul>
      </div>`}
      <div class="add-field">
        <${te} label="New field type" value=${o} onChange=${i} options=${Pt.map(([b,g])=>({value:b,label:g}))} />
        <button type="button" class="btn" onClick=${d}>Add field</button>
      </div>
    </div>
  `}var Ws=[["=","equal"],["!=","not equal"],[">","greater than"],[">=","greater or equal"],["<","less than"],["<=","less or equal"],["~","contains (like)"],["!~","does not contain"],["?=","any equal"],["?!=","any not equal"],["?~","any contains"],["&&","and"],["||","or"]],zs=[[":isset","the request sent the key"],[":changed","the request changes the field"],[":length","number of items"],[":each","every item matches"],[":lower","lower-cased value"]],Hs=["@now","@second","@minute","@hour","@weekday","@day","@month","@year","@yesterday","@tomorrow","@todayStart","@todayEnd","@monthStart","@monthEnd","@yearStart","@yearEnd"],Wn=/[\w@.:]/,Bs=["id","created","updated"];function zn(n){return(n?.fields||[]).map(e=>e.name).filter(Boolean)}function Kn(n,e){let t=[],s=(a,l)=>t.push([a,l]),r=new Map(e.map(a=>[a.id,a]));for(let a of n?.fields||[])if(a.name&&(s(a.name,a.type),a.type==="relation"&&r.get(a.collectionId)))for(let l of r.get(a.collectionId).fields||[])s(`${a.name}.${l.name}`,`${l.type} of ${r.get(a.collectionId).name}`);if(n?.id)for(let a of e)for(let l of a.fields||[])l.type==="relation"&&l.collectionId===n.id&&s(`${a.name}_via_${l.name}`,`${a.name} records pointing here`);let o=new Map([["id",["text",["every auth collection"]]],["collectionName",["text",["the auth collection name"]]],["collectionId",["text",["the auth collection id"]]]]),i=e.filter(a=>a.type==="auth").sort((a,l)=>Number(a.name.startsWith("_"))-Number(l.name.startsWith("_")));n?.type==="auth"&&!i.some(a=>a.id&&a.id===n.id)&&i.unshift(n);for(let a of i)for(let l of a.fields||[])!l.name||l.name==="tokenKey"||l.name==="password"||l.name==="id"||(o.has(l.name)||o.set(l.name,[l.type,[]]),o.get(l.name)[1].push(a.name||"this collection"));for(let[a,[l,m]]of o)s(`@request.auth.${a}`,a==="id"||a.startsWith("collection")?m[0]:`${l} (${m.join(", ")})`);for(let a of n?.fields||[])a.name&&s(`@request.body.${a.name}`,`sent ${a.type}`);s("@request.query.","a query parameter"),s("@request.headers.","a header (lower case, - as _)"),s("@request.method","GET, POST, PATCH, DELETE"),s("@request.context","default, oauth2, otp, password, realtime, protectedFile");for(let a of e)for(let l of zn(a).length?zn(a):Bs)s(`@collection.${a.name}.${l}`,`${a.name}`);for(let a of Hs)s(a,"date macro");return t}function Ks(n,e){let t=e;for(;t>0&&Wn.test(n[t-1]);)t--;let s=e;for(;s<n.length&&Wn.test(n[s]);)s++;return[t,s]}function Jn(n,e,t,s=10){let[r]=Ks(n,e),o=n.slice(r,e),i=e;if(o.includes(":")){let c=o.slice(0,o.indexOf(":")),h=o.slice(o.indexOf(":")),f=zs.filter(([d])=>d.startsWith(h)&&d!==h).map(([d,u])=>({insert:c+d,label:c+d,detail:u}));return{start:r,end:i,items:f}}if(o===""){let c=n[r-1];if(c!==void 0&&c!=="("&&!/\s/.test(c))return{start:r,end:i,items:[]};let h=r-1;for(;h>=0&&/\s/.test(n[h]);)h--;let f=h>=0?n[h]:"";if(f&&/[\w'")\]]/.test(f))return{start:r,end:i,items:Ws.map(([d,u])=>({insert:d+" ",label:d,detail:u}))}}let a=o.toLowerCase(),l=new Set,m=[];for(let[c,h]of t){if(!c.toLowerCase().startsWith(a)||c===o)continue;let f=c.indexOf(".",o.length),d=f>=0?c.slice(0,f+1):c;d===o||l.has(d)||(l.add(d),m.push({insert:d,label:d,detail:f>=0?"":h}))}return m.sort((c,h)=>Hn(c.insert)-Hn(h.insert)||Bn(c.insert)-Bn(h.insert)||c.insert.localeCompare(h.insert)),{start:r,end:i,items:m.slice(0,s)}}function Hn(n){return n.startsWith("@")?n.startsWith("@request")?1:n.startsWith("@collection")?2:3:0}function Bn(n){return n==="id"||n.endsWith(".id")?0:1}var Vn=!1;function Js(n){let e=Vs(n);return e.name=e.name||"new_collection",e.fields=(e.fields||[]).filter(t=>t.name),e}function Vs(n){let e={...n};return e.fields=(n.fields||[]).map(t=>{let s={};for(let[r,o]of Object.entries(t))r.startsWith("_")||(s[r]=o);return s}),e}function Gs(n,e,t="rule"){let[s,r]=w({state:"idle",message:""}),o=F(0),i=ge(()=>n?JSON.stringify(Js(e)):"",[n,e]);return O(()=>{if(Vn||n==null||n.trim()===""){r({state:"idle",message:""});return}let a=++o.current,l=setTimeout(async()=>{try{await T.send("/api/collections/meta/check-rule",{method:"POST",body:{collection:JSON.parse(i),rule:n,kind:t}}),a===o.current&&r({state:"ok",message:""})}catch(m){if(a!==o.current)return;if(m.status===404){Vn=!0,r({state:"idle",message:""});return}let c=M(m).fields;r(c.rule?{state:"error",message:c.rule}:{state:"idle",message:""})}},300);return()=>clearTimeout(l)},[n,i,t]),s}function Ye({label:n,value:e,onChange:t,collection:s,all:r,error:o,hint:i,lockable:a=!0,kind:l="rule",lockedHint:m}){let c=J(),h=e==null,f=F(h?"":e);h||(f.current=e);let d=Gs(h?null:e,s,l),u=d.state==="error"&&d.message||o||"";return p`
    <div class="rule">
      <div class="rule-head">
        <label for=${c} class="rule-label">${n}</label>
        ${a&&p`<span class="check inline">
          <input
            type="checkbox"
            id=${`${c}-lock`}
            checked=${h}
            onChange=${y=>t(y.currentTarget.checked?null:f.current)}
          />
          <label for=${`${c}-lock`}>Superusers only<span class="sr-only"> (${n})</span></label>
        </span>`}
      </div>
      ${h?p`<p class="locked-note" id=${`${c}-locked`}>${m||"Locked: only superusers."} <span class="muted">Untick “Superusers only” to write a rule.</span></p>`:p`<${Qs} id=${c} value=${e} onChange=${t} collection=${s} all=${r}
              invalid=${!!u} describedBy=${[`${c}-hint`,u&&`${c}-err`].filter(Boolean).join(" ")} />`}
      ${!h&&p`<p class="hint" id=${`${c}-hint`}>${i}${d.state==="ok"?p` <span class="ok-note">Valid rule.</span>`:""}</p>`}
      <div aria-live="polite">${u&&!h?p`<p class="field-error" id=${`${c}-err`}>${u}</p>`:null}</div>
    </div>
  `}function Qs({id:n,value:e,onChange:t,collection:s,all:r,invalid:o,describedBy:i,placeholder:a,rows:l=2}){let m=F(null),[c,h]=w(null),[f,d]=w(0),u=ge(()=>Kn(s,r||[]),[s,r]),y=`${n}-list`,v=(g,_)=>{let C=Jn(g,_,u);h(C.items.length?C:null),d(0)},$=g=>{let _=m.current,C=e||"",P=C.slice(0,c.start)+g.insert+C.slice(c.end),A=c.start+g.insert.length;t(P),requestAnimationFrame(()=>{_.focus(),_.setSelectionRange(A,A),g.insert.endsWith(".")?v(P,A):h(null)})},b=g=>{if(g.key===" "&&g.ctrlKey){g.preventDefault(),v(e||"",g.currentTarget.selectionStart);return}c&&(g.key==="ArrowDown"?(g.preventDefault(),d(_=>(_+1)%c.items.length)):g.key==="ArrowUp"?(g.preventDefault(),d(_=>(_-1+c.items.length)%c.items.length)):g.key==="Enter"?(g.preventDefault(),$(c.items[f])):g.key==="Escape"?(g.preventDefault(),g.stopPropagation(),h(null)):g.key==="Tab"&&h(null))};return p`
    <div class="combo">
      <textarea
        ref=${m}
        id=${n}
        class="mono"
        rows=${l}
        spellcheck=${!1}
        autocomplete="off"
        placeholder=${a??'Empty: everyone. Example: @request.auth.id != ""'}
        value=${e||""}
        aria-invalid=${o?"true":void 0}
        aria-describedby=${i}
        aria-autocomplete="list"
        aria-controls=${c?y:void 0}
        aria-activedescendant=${c?`${y}-${f}`:void 0}
        onInput=${g=>{t(g.currentTarget.value),v(g.currentTarget.value,g.currentTarget.selectionStart)}}
        onKeyDown=${b}
        onBlur=${()=>setTimeout(()=>h(null),150)}
      ></textarea>
      ${c&&p`<ul class="suggestions" role="listbox" id=${y} aria-label="Suggestions">
        ${c.items.map((g,_)=>p`<li
            id=${`${y}-${_}`}
            role="option"
            aria-selected=${_===f?"true":"false"}
            class=${_===f?"active":""}
            onMouseDown=${C=>{C.preventDefault(),$(g)}}
          >
            <span class="mono">${g.label}</span>${g.detail&&p`<span class="muted"> ${g.detail}</span>`}
          </li>`)}
      </ul>`}
      <span class="sr-only" aria-live="polite">${c?`${c.items.length} suggestions, use the arrow keys and Enter.`:""}</span>
    </div>
  `}function Gn({draft:n,update:e,errors:t,all:s}){let r=n.type==="view",o=r?At.slice(0,2):At,i=(l,m)=>e(c=>({...c,[l]:m})),a=([l,m,c])=>p`<${Ye}
    key=${l}
    label=${m}
    value=${n[l]}
    onChange=${h=>i(l,h)}
    collection=${n}
    all=${s}
    error=${t[l]}
    hint=${l==="authRule"?"Empty: every record with valid credentials can log in.":`Empty: everyone (guests too) can ${c}. A rule: only requests that match it.`}
    lockedHint=${l==="manageRule"?"Locked: only superusers manage other records.":`Locked: only superusers can ${c}.`}
  />`;return p`
    <div class="rules">
      <p class="muted">
        A rule is a filter: <code>@request.auth.id != ""</code> lets any logged-in user in, <code>owner = @request.auth.id</code>${" "}only a record's owner.
        Suggestions appear as you type (↑ ↓ to choose, Enter to insert, Ctrl+Space to ask).
        ${r&&" A view is read-only: it has only list and view rules."}
      </p>
      ${o.map(a)}
      ${n.type==="auth"&&p`<h2 class="sub">Auth collection rules</h2>${Nn.map(a)}`}
    </div>
  `}function Qn({draft:n,update:e,errors:t}){let s=n.indexes||[],r=(a,l)=>e(m=>({...m,indexes:m.indexes.map((c,h)=>h===a?l:c)})),o=a=>e(l=>({...l,indexes:l.indexes.filter((m,c)=>c!==a)})),i=a=>e(l=>{let m=l.name||"collection",c=l.fields.find(f=>!f.system&&f.name)?.name||"field",h=`CREATE ${a?"UNIQUE ":""}INDEX \`idx_${m}_${c}\` ON \`${m}\` (\`${c}\`)`;return{...l,indexes:[...l.indexes||[],h]}});return p`
    <div class="indexes">
      <p class="muted">Indexes make filters and sorts on these fields fast; a unique index refuses duplicate values.</p>
      ${s.length===0&&p`<p>No indexes yet.</p>`}
      ${s.map((a,l)=>p`<div class="index-row" key=${l}>
          <${E} class="grow" label=${`Index ${l+1}`} value=${a} onInput=${m=>r(l,m)} error=${t[`indexes.${l}`]} mono rows="2" />
          <button type="button" class="btn danger-text" onClick=${()=>o(l)} aria-label=${`Remove index ${l+1}`}>Remove</button>
        </div>`)}
      ${t.indexes&&p`<p class="field-error">${t.indexes}</p>`}
      <div class="actions">
        <button type="button" class="btn" onClick=${()=>i(!1)}>Add index</button>
        <button type="button" class="btn" onClick=${()=>i(!0)}>Add unique index</button>
      </div>
    </div>
  `}function Yn({draft:n,update:e,errors:t,saved:s}){return p`
    <div class="view-query">
      <${E}
        label="View query"
        rows="8"
        mono
        value=${n.viewQuery}
        onInput=${r=>e(o=>({...o,viewQuery:r}))}
        error=${t.viewQuery}
        hint="One SELECT over your collections; it needs an id column. Its columns become the view's fields. Saving checks it."
        placeholder="SELECT id, title, created FROM posts WHERE published = true"
      />
      ${s?.id?p`<${Ys} collection=${s} stale=${s.viewQuery!==n.viewQuery} />`:p`<p class="muted">Save the view to see a preview of its records.</p>`}
    </div>
  `}function Ys({collection:n,stale:e}){let[t,s]=w({loading:!0,items:[],total:0,error:""}),r=async()=>{s(i=>({...i,loading:!0}));try{let i=await T.collection(n.id).getList(1,10);s({loading:!1,items:i.items,total:i.totalItems,error:""})}catch(i){s({loading:!1,items:[],total:0,error:M(i).message})}};O(()=>{r()},[n.id,n.updated]);let o=(n.fields||[]).map(i=>i.name).filter(i=>!["collectionId","collectionName"].includes(i)).slice(0,8);return p`
    <section class="preview" aria-labelledby="preview-h">
      <div class="section-head">
        <h2 id="preview-h" class="sub">Preview of the saved view</h2>
        <button type="button" class="btn small" onClick=${r}>Refresh preview</button>
      </div>
      ${e&&p`<p class="warn-note">The query has unsaved changes: save to preview them.</p>`}
      ${t.loading&&p`<p role="status">Loading…</p>`}
      ${t.error&&p`<p class="field-error" role="alert">${t.error}</p>`}
      ${!t.loading&&!t.error&&p`<p class="muted small">${t.total} record${t.total===1?"":"s"}${t.total>10?", the first 10 shown":""}.</p>
        <div class="table-wrap" tabindex="0" role="region" aria-label="Preview records">
          <table>
            <thead><tr>${o.map(i=>p`<th scope="col">${i}</th>`)}</tr></thead>
            <tbody>
              ${t.items.map(i=>p`<tr>${o.map(a=>p`<td>${Xs(i[a])}</td>`)}</tr>`)}
            </tbody>
          </table>
        </div>`}
    </section>
  `}function Xs(n){if(n==null||n==="")return p`<span class="muted">—</span>`;let e=typeof n=="object"?JSON.stringify(n):String(n);return e.length>80?e.slice(0,80)+"…":e}var Zs=[["google","Google"],["github","GitHub"],["gitlab","GitLab"],["microsoft","Microsoft"],["discord","Discord"],["oidc","OpenID Connect"],["oidc2","OpenID Connect (2)"],["oidc3","OpenID Connect (3)"]],eo=[["authToken","Auth token","How long a log-in lasts."],["verificationToken","Verification token","The link in the verification mail."],["passwordResetToken","Password reset token","The link in the reset mail."],["emailChangeToken","Email change token","The link confirming a new address."],["fileToken","File token","Access to protected files."]],Xn=[["verificationTemplate","Verification mail"],["resetPasswordTemplate","Password reset mail"],["confirmEmailChangeTemplate","Email change mail"],["otp.emailTemplate","One-time code mail"],["authAlert.emailTemplate","New device log-in alert"]],Zn=(n,e)=>e.split(".").reduce((t,s)=>t?.[s],n);function es(n,e,t){let[s,...r]=e.split(".");return{...n,[s]:r.length?es(n?.[s]||{},r.join("."),t):t}}function to(){let n="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",e=crypto.getRandomValues(new Uint8Array(50));return Array.from(e,t=>n[t%n.length]).join("")}function me({title:n,children:e}){return p`<section class="opt-section"><h2>${n}</h2>${e}</section>`}function ts({draft:n,update:e,errors:t,all:s}){let r=(u,y)=>e(v=>es(v,u,y)),o=t,i=n.fields.filter(u=>(u.type==="text"||u.type==="email")&&u.name&&u.name!=="id"&&u.name!=="tokenKey"),a=n.passwordAuth?.identityFields||[],l=n.oauth2?.providers||[],[m,c]=w(Xn[0][0]),h=[{value:"",label:"(none)"},...n.fields.filter(u=>u.name&&!u.system).map(u=>({value:u.name,label:u.name}))],f=(u,y)=>r("oauth2.providers",l.map((v,$)=>$===u?{...v,...y}:v)),d=Object.entries(o).find(([u])=>u.startsWith("passwordAuth.identityFields"))?.[1];return p`
    <div class="auth-options">
      <${me} title="Password">
        <${N} label="Log in with a password" checked=${n.passwordAuth?.enabled} onChange=${u=>r("passwordAuth.enabled",u)} error=${o["passwordAuth.enabled"]} />
        <fieldset class="inline-group">
          <legend>Identity fields (what users type as their login)</legend>
          ${i.map(u=>p`<${N}
              key=${u.name}
              label=${u.name}
              checked=${a.includes(u.name)}
              onChange=${y=>r("passwordAuth.identityFields",y?[...a,u.name]:a.filter(v=>v!==u.name))}
            />`)}
          ${d&&p`<p class="field-error">${d}</p>`}
        </fieldset>
      <//>
      <${me} title="One-time codes by mail (OTP)">
        <${N} label="Log in with a one-time code" checked=${n.otp?.enabled} onChange=${u=>r("otp.enabled",u)} />
        <div class="grid">
          <${ae} label="Code length" value=${n.otp?.length} onChange=${u=>r("otp.length",u??0)} error=${o["otp.length"]} min="4" max="32" />
          <${ae} label="Code valid for (seconds)" value=${n.otp?.duration} onChange=${u=>r("otp.duration",u??0)} error=${o["otp.duration"]} />
        </div>
      <//>
      <${me} title="Multi-factor authentication (MFA)">
        <${N} label="Require two different methods" checked=${n.mfa?.enabled} onChange=${u=>r("mfa.enabled",u)}
          hint="A log-in then needs two methods (for example the password and a one-time code) within the duration." />
        <${ae} label="Second method within (seconds)" value=${n.mfa?.duration} onChange=${u=>r("mfa.duration",u??0)} error=${o["mfa.duration"]} />
        <${Ye} label="MFA rule" value=${n.mfa?.rule??""} onChange=${u=>r("mfa.rule",u??"")} collection=${n} all=${s}
          error=${o["mfa.rule"]} lockable=${!1} hint="Empty: MFA for every record. A rule: only for records it matches." />
      <//>
      <${me} title="OAuth2">
        <${N} label="Log in with OAuth2 providers" checked=${n.oauth2?.enabled} onChange=${u=>r("oauth2.enabled",u)} />
        ${l.map((u,y)=>p`<fieldset class="provider" key=${y}>
            <legend>Provider ${y+1}: ${u.displayName||u.name||"new"}</legend>
            <div class="grid">
              <${te} label="Provider" value=${u.name} onChange=${v=>f(y,{name:v})} error=${o[`oauth2.providers.${y}.name`]}
                options=${[{value:"",label:"Choose…"},...Zs.map(([v,$])=>({value:v,label:$}))]} />
              <${E} label="Display name" value=${u.displayName} onInput=${v=>f(y,{displayName:v})} />
              <${E} label="Client ID" value=${u.clientId} onInput=${v=>f(y,{clientId:v})} error=${o[`oauth2.providers.${y}.clientId`]} autocomplete="off" />
              <${E} label="Client secret" type="password" value=${u.clientSecret} onInput=${v=>f(y,{clientSecret:v})}
                error=${o[`oauth2.providers.${y}.clientSecret`]} autocomplete="new-password" hint="Never shown again; leave empty to keep the saved one." />
              ${u.name?.startsWith("oidc")&&p`
                <${E} label="Auth URL" value=${u.authURL} onInput=${v=>f(y,{authURL:v})} error=${o[`oauth2.providers.${y}.authURL`]} />
                <${E} label="Token URL" value=${u.tokenURL} onInput=${v=>f(y,{tokenURL:v})} error=${o[`oauth2.providers.${y}.tokenURL`]} />
                <${E} label="User info URL" value=${u.userInfoURL} onInput=${v=>f(y,{userInfoURL:v})} error=${o[`oauth2.providers.${y}.userInfoURL`]} />
              `}
              <${N} label="PKCE" checked=${u.pkce!==!1} onChange=${v=>f(y,{pkce:v})} />
            </div>
            <button type="button" class="btn danger-text" onClick=${()=>r("oauth2.providers",l.filter((v,$)=>$!==y))}>Remove provider ${y+1}</button>
          </fieldset>`)}
        <button type="button" class="btn" onClick=${()=>r("oauth2.providers",[...l,{name:"",clientId:"",clientSecret:"",displayName:"",authURL:"",tokenURL:"",userInfoURL:"",pkce:!0,extra:{}}])}>
          Add OAuth2 provider
        </button>
        <fieldset class="inline-group">
          <legend>Fields filled from the provider's profile</legend>
          <div class="grid">
            ${["name","username","avatarURL"].map(u=>p`<${te} key=${u} label=${`Provider ${u}`} value=${n.oauth2?.mappedFields?.[u]||""}
                onChange=${y=>r(`oauth2.mappedFields.${u}`,y)} error=${o[`oauth2.mappedFields.${u}`]} options=${h} />`)}
          </div>
        </fieldset>
      <//>
      <${me} title="Token durations">
        <div class="grid">
          ${eo.map(([u,y,v])=>p`<div key=${u}>
              <${ae} label=${`${y} (seconds)`} value=${n[u]?.duration} onChange=${$=>r(`${u}.duration`,$??0)} error=${o[`${u}.duration`]} hint=${v} />
              ${n.id&&p`<${N} label=${`Invalidate all ${y.toLowerCase()}s on save`} checked=${!!n[u]?.secret}
                onChange=${$=>r(`${u}.secret`,$?to():void 0)} />`}
            </div>`)}
        </div>
      <//>
      <${me} title="New device alert">
        <${N} label="Mail users when they log in from a new device" checked=${n.authAlert?.enabled} onChange=${u=>r("authAlert.enabled",u)} />
      <//>
      <${me} title="Mail templates">
        <${te} label="Template" value=${m} onChange=${c} options=${Xn.map(([u,y])=>({value:u,label:y}))} />
        <${E} label="Subject" value=${Zn(n,`${m}.subject`)} onInput=${u=>r(`${m}.subject`,u)} error=${o[`${m}.subject`]}
          hint="Empty: Galley's default text." />
        <${E} label="Body (HTML)" rows="8" mono value=${Zn(n,`${m}.body`)} onInput=${u=>r(`${m}.body`,u)} error=${o[`${m}.body`]}
          hint="Placeholders: {APP_NAME} {APP_URL} {TOKEN} {OTP} {ACTION_URL} {RECORD:field}. Empty: the default." />
      <//>
    </div>
  `}var no=[{value:"base",label:"Base: records with fields"},{value:"auth",label:"Auth: users who log in"},{value:"view",label:"View: a read-only SQL query"}],so=["passwordAuth","oauth2","otp","mfa","authToken","passwordResetToken","emailChangeToken","verificationToken","fileToken","authAlert","verificationTemplate","resetPasswordTemplate","confirmEmailChangeTemplate"];function oo(n){let e=[];return n==="view"?e.push({id:"query",label:"Query",keys:["viewQuery"]}):e.push({id:"fields",label:"Fields",keys:["fields"]}),e.push({id:"rules",label:"API rules",keys:["listRule","viewRule","createRule","updateRule","deleteRule","authRule","manageRule"]}),n==="auth"&&e.push({id:"options",label:"Auth options",keys:so}),n!=="view"&&e.push({id:"indexes",label:"Indexes",keys:["indexes"]}),e}var ns=(n,e)=>JSON.stringify(Qe(n))===JSON.stringify(Qe(e)),Xe=null;function ss(){return Xe??(Xe=T.collections.getScaffolds().catch(n=>{throw Xe=null,n})),Xe}function qt({params:n,query:e}){let t=!n.id,s=`collection:${n.id||"new"}`,{items:r}=z(Z),[o,i]=w(null),[a,l]=w(null),[m,c]=w(!1),[h,f]=w(""),[d,u]=w({message:"",fields:{}}),[y,v]=w(null),[$,b]=w(!1),[g,_]=w(null),C=F({});O(()=>{let k=!0;return(async()=>{try{let S;if(t){let Y=await ss(),le=["base","auth","view"].includes(e.type)?e.type:"base";S=he({...structuredClone(Y[le]),name:""}),delete S.id}else S=he(await T.collections.getOne(n.id));if(!k)return;let I=qn(s);i(t?null:S),I&&(t?I.draft:I.baseUpdated===S.updated)&&!ns(I.draft,S)?(l(I.draft),c(!0)):l(S)}catch(S){k&&f(M(S).message)}})(),()=>{k=!1}},[n.id]);let P=a&&(o?!ns(o,a):!0);O(()=>{a&&(P&&(!t||a.name||a.fields.some(k=>!k.system&&k.name))?jn(s,{draft:a,baseUpdated:o?.updated||""}):P||ue(s))},[a]),O(()=>{if(!P)return;let k=S=>{S.preventDefault(),S.returnValue=""};return window.addEventListener("beforeunload",k),()=>window.removeEventListener("beforeunload",k)},[P]);let A=ge(()=>oo(a?.type),[a?.type]),R=A.find(k=>k.id===y)?y:A[0].id,x=d.fields;if(h)return p`<div class="page"><h1 tabindex="-1">Collection</h1><p class="field-error" role="alert">${h}</p><a href="#/collections">Back to the collections</a></div>`;if(!a)return p`<div class="page"><p role="status">Loading…</p></div>`;let q=k=>l(S=>k(S)),B=o&&H(o),K=k=>{let S=M(k);u(S);let I=A.find(Y=>Ke(S.fields,Y.keys)>0);I&&Ke(S.fields,A.find(Y=>Y.id===R).keys)===0&&v(I.id),!(!Object.keys(S.fields).length||S.fields.name||S.fields.type)&&setTimeout(()=>document.querySelector('#main-content [aria-invalid="true"]')?.focus(),50)},D=async()=>{_(null),b(!0);try{let k=Qe(a),S=t?await T.collections.create(k):await T.collections.update(o.id,k);ue(s),u({message:"",fields:{}}),c(!1);let I=he(S);i(I),l(I),Q(),pe(`Saved ${S.name}.`),t&&(ue(`collection:${S.id}`),G(`#/collections/${S.id}/edit`,{replace:!0}))}catch(k){K(k)}finally{b(!1)}},ds=async k=>{if(k?.preventDefault(),!t){try{let I=await T.collections.getOne(o.id);if(I.updated!==o.updated){_({kind:"conflict",now:I});return}}catch(I){K(I);return}let S=Lt(o,a);if(S.length){_({kind:"changes",changes:S});return}}D()},us=()=>{let k=he(g.now);ue(s),i(k),l(k),_(null),u({message:"",fields:{}})},ps=()=>{let k=he(g.now);i(k);let S=Lt(k,a);S.length?_({kind:"changes",changes:S}):D()},hs=async()=>{b(!0);try{await T.collections.delete(o.id),ue(s),_(null),await Q(),pe(`Deleted ${o.name}.`),G("#/collections")}catch(k){_(null),u(M(k))}finally{b(!1)}},jt=()=>{ue(s),c(!1),u({message:"",fields:{}}),o?l(o):G("#/collections")},ms=async k=>{let S=await ss(),I=he(structuredClone(S[k]));delete I.id;let Y=new Set(I.fields.map(ee=>ee.name)),le=k==="view"?[]:a.fields.filter(ee=>!ee.system&&!Y.has(ee.name)),Ie=Object.fromEntries(["listRule","viewRule","createRule","updateRule","deleteRule"].map(ee=>[ee,a[ee]])),Pe=I.fields.findIndex(ee=>ee.type==="autodate");Pe>=0?I.fields.splice(Pe,0,...le):I.fields.push(...le),u({message:"",fields:{}}),l({...I,...Ie,name:a.name,viewQuery:k==="view"?a.viewQuery||"":void 0}),history.replaceState(null,"",`#/collections/new?type=${k}`)},fs=t?"New collection":o.name,gs={fields:Mn,query:Yn,rules:Gn,options:ts,indexes:Qn}[R];return p`
    <form class="page editor" onSubmit=${ds} novalidate>
      <div class="page-head">
        <div>
          <p class="crumbs"><a href="#/collections">Collections</a> /</p>
          <h1 tabindex="-1">${fs} ${o&&p`<span class=${`badge t-${o.type}`}>${o.type}</span>`} ${B&&p`<span class="badge">system</span>`}</h1>
        </div>
        <div class="actions">
          ${P&&p`<span class="muted small" role="status">Unsaved changes</span>`}
          ${(P||t)&&p`<button type="button" class="btn" onClick=${jt}>${t?"Cancel":"Discard changes"}</button>`}
          <button type="submit" class="btn primary" disabled=${$||!P&&!t}>${$?"Saving…":t?"Create collection":"Save changes"}</button>
        </div>
      </div>
      ${m&&p`<p class="warn-note" role="status">Your unsaved changes from before were restored. <button type="button" class="btn link" onClick=${jt}>Discard them</button></p>`}
      ${B&&p`<p class="muted">A system collection: Galley relies on its name and system fields; its rules and options can be changed.</p>`}
      <div class="grid top-fields">
        <${E} label="Collection name" value=${a.name} onInput=${k=>q(S=>({...S,name:k}))} error=${x.name}
          hint=${t?"Letters, digits and _ ; used in API URLs.":void 0} disabled=${B} autocomplete="off" spellcheck=${!1} />
        ${t?p`<${te} label="Collection type" value=${a.type} error=${x.type} onChange=${ms} options=${no} />`:null}
      </div>
      <${ne} message=${Object.keys(x).length?"Some values need fixing: see the messages below.":d.message} />
      <div class="tabs" role="tablist" aria-label="Collection settings">
        ${A.map(k=>{let S=Ke(x,k.keys);return p`<button
            type="button"
            role="tab"
            id=${`tab-${k.id}`}
            ref=${I=>C.current[k.id]=I}
            aria-selected=${k.id===R?"true":"false"}
            aria-controls=${`panel-${k.id}`}
            tabindex=${k.id===R?0:-1}
            onClick=${()=>v(k.id)}
            onKeyDown=${I=>{let Y=A.findIndex(Pe=>Pe.id===R),le=I.key==="ArrowRight"?Y+1:I.key==="ArrowLeft"?Y-1:null;if(le===null)return;I.preventDefault();let Ie=A[(le+A.length)%A.length].id;v(Ie),C.current[Ie]?.focus()}}
          >
            ${k.label}${S>0&&p` <span class="err-count">${S}<span class="sr-only"> error${S>1?"s":""}</span></span>`}
          </button>`})}
      </div>
      <div role="tabpanel" id=${`panel-${R}`} aria-labelledby=${`tab-${R}`} class="tabpanel">
        <${gs} draft=${a} update=${q} orig=${o} errors=${x} all=${r} saved=${o} />
      </div>
      ${!t&&!B&&p`<section class="danger-zone" aria-labelledby="dz-h">
        <h2 id="dz-h">Delete</h2>
        <p>Deleting the collection deletes its table and every record in it.</p>
        <button type="button" class="btn danger" onClick=${()=>_({kind:"delete"})}>Delete collection ${o.name}</button>
      </section>`}
      <${Ee}
        open=${g?.kind==="changes"}
        title="Save these changes?"
        confirmLabel="Save anyway"
        danger
        busy=${$}
        onConfirm=${D}
        onCancel=${()=>_(null)}
      >
        <p>Saving ${o?.name} will:</p>
        <ul class="change-list">${(g?.changes||[]).map(k=>p`<li class=${`c-${k.kind}`}>${k.text}</li>`)}</ul>
        <p>This cannot be undone.</p>
      <//>
      <${Re} open=${g?.kind==="conflict"} title="Changed elsewhere" onClose=${()=>_(null)}>
        <p>${o?.name} was changed (in another tab or by another superuser) since you opened it. Saving now would overwrite those changes.</p>
        <div class="actions">
          <button type="button" class="btn" onClick=${()=>_(null)} autofocus>Keep editing</button>
          <button type="button" class="btn" onClick=${us}>Reload their version (drop my edits)</button>
          <button type="button" class="btn danger" onClick=${ps} disabled=${$}>Overwrite with my changes</button>
        </div>
      <//>
      <${Ee}
        open=${g?.kind==="delete"}
        title=${`Delete ${o?.name}?`}
        confirmLabel="Delete"
        danger
        busy=${$}
        onConfirm=${hs}
        onCancel=${()=>_(null)}
      >
        <p>The collection <strong>${o?.name}</strong> and all its records will be deleted. This cannot be undone.</p>
      <//>
    </form>
  `}function os(){let[n,e]=w(""),[t,s]=w(""),[r,o]=w(!1);return O(()=>{T.send("/api/collections",{query:{perPage:500}}).then(l=>e(JSON.stringify(l.items.filter(m=>r||!H(m)),null,2))).catch(l=>s(M(l).message))},[r]),p`
    <div class="page">
      <div class="page-head">
        <div>
          <p class="crumbs"><a href="#/collections">Collections</a> /</p>
          <h1 tabindex="-1">Export collections</h1>
        </div>
        <div class="actions">
          <button type="button" class="btn" onClick=${async()=>{try{await navigator.clipboard.writeText(n),pe("Copied to the clipboard.")}catch{pe("The browser refused the clipboard: select the text and copy it.","error")}}} disabled=${!n}>Copy</button>
          <button type="button" class="btn primary" onClick=${()=>{let l=URL.createObjectURL(new Blob([n],{type:"application/json"})),m=document.createElement("a");m.href=l,m.download="galley_collections.json",document.body.append(m),m.click(),m.remove(),setTimeout(()=>URL.revokeObjectURL(l),1e3)}} disabled=${!n}>Download JSON</button>
        </div>
      </div>
      <p class="muted">The definitions of your collections (fields, indexes, rules, options; no records, no secrets). Import them into another Galley or PocketBase.</p>
      <${N} label="Include system collections" checked=${r} onChange=${o} />
      <${ne} message=${t} />
      <${E} label="Collections JSON" rows="20" mono value=${n} readonly />
    </div>
  `}function rs(){let{items:n}=z(Z),[e,t]=w(""),[s,r]=w(!1),[o,i]=w({message:"",fields:{}}),[a,l]=w(""),[m,c]=w(!1),[h,f]=w(!1),d=null,u="";if(e.trim())try{let x=JSON.parse(e);d=Array.isArray(x)?x:Array.isArray(x?.collections)?x.collections:Array.isArray(x?.items)?x.items:null,d||(u="Expected a JSON array of collections.")}catch(x){u=`Not valid JSON: ${x.message}`}let y=new Set((d||[]).map(x=>x?.name)),v=new Set((d||[]).map(x=>x?.id).filter(Boolean)),$=x=>n.some(q=>x.id&&q.id===x.id||q.name===x.name),b=(d||[]).filter(x=>!$(x)),g=(d||[]).filter($),_=s?n.filter(x=>!H(x)&&!y.has(x.name)&&!v.has(x.id)):[],C=async x=>{let q=x.currentTarget.files?.[0];q&&t(await q.text())},P=async()=>{c(!1),f(!0);try{await T.collections.import(d,s),await Q(),pe(`Imported ${d.length} collection${d.length===1?"":"s"}.`),G("#/collections")}catch(x){i(M(x))}finally{f(!1)}},A=x=>{if(x.preventDefault(),l(u),u||!d){!d&&!u&&l("Paste or choose the JSON to import.");return}c(!0)},R=Object.entries(o.fields);return p`
    <form class="page" onSubmit=${A} novalidate>
      <div class="page-head">
        <div>
          <p class="crumbs"><a href="#/collections">Collections</a> /</p>
          <h1 tabindex="-1">Import collections</h1>
        </div>
      </div>
      <p class="muted">Paste exported collections (a JSON array), or choose a file. Collections are matched by id, then by name: matches are updated, the others created.</p>
      <div class="field">
        <label for="import-file">JSON file</label>
        <input id="import-file" type="file" accept="application/json,.json" onChange=${C} />
      </div>
      <${E} label="Collections JSON" rows="14" mono value=${e} onInput=${x=>{t(x),l("")}} error=${a||o.fields.collections} />
      <${N} label="Delete collections that are not in the import" checked=${s} onChange=${r}
        hint="Their records are deleted with them. System collections are never deleted." />
      ${d&&p`<div class="summary" role="status">
        <p>${b.length} to create${b.length?": "+b.map(x=>x.name).join(", "):""}.</p>
        <p>${g.length} to update${g.length?": "+g.map(x=>x.name).join(", "):""}.</p>
        ${_.length>0&&p`<p class="warn-note">${_.length} to delete with their records: ${_.map(x=>x.name).join(", ")}.</p>`}
      </div>`}
      <${ne} message=${o.message} />
      ${R.length>0&&p`<ul class="field-error">${R.map(([x,q])=>p`<li><code>${x}</code>: ${q}</li>`)}</ul>`}
      <div class="actions">
        <button type="submit" class="btn primary" disabled=${h}>${h?"Importing…":"Review and import"}</button>
      </div>
      <${Ee} open=${m} title="Import collections?" confirmLabel="Import" danger=${_.length>0} busy=${h} onConfirm=${P} onCancel=${()=>c(!1)}>
        <p>${b.length} created, ${g.length} updated${_.length?p`, <strong>${_.length} deleted with all their records</strong>`:""}.</p>
        ${g.length>0&&p`<p>Fields of updated collections that the import does not list are deleted with their data.</p>`}
      <//>
    </form>
  `}function ro({params:n}){return O(()=>G(`#/collections/${encodeURIComponent(n.id)}/edit`,{replace:!0}),[n.id]),p`<p role="status">Opening…</p>`}function is(){X("/collections",Ln,{title:"Collections"}),X("/collections/new",qt,{title:"New collection"}),X("/collections/import",rs,{title:"Import collections"}),X("/collections/export",os,{title:"Export collections"}),X("/collections/:id/edit",qt,{title:"Edit collection"}),X("/collections/:id",ro,{priority:-1}),wn({label:"Collections",href:"#/collections",order:10,match:/^\/collections/})}function as(){X("/login",Ve,{public:!0,title:"Log in"}),X("/install",An,{public:!0,title:"Install"}),is()}var ao=n=>`#/collections/${encodeURIComponent(n.id)}`,lo={base:"B",auth:"A",view:"V"};function ls({c:n,current:e}){let t=ao(n),s=e.startsWith(t.slice(1));return p`
    <li>
      <a href=${t} class=${s?"current":""} aria-current=${s?"page":void 0}>
        <span class=${`type-mark t-${n.type}`} aria-hidden="true">${lo[n.type]||"?"}</span>
        <span class="name">${n.name}</span>
        <span class="sr-only"> (${n.type}${H(n)?", system":""})</span>
      </a>
    </li>
  `}function co({path:n,onNavigate:e}){let{items:t,loaded:s,error:r}=z(Z),{user:o}=z(ie),[i,a]=w(""),l=h=>!i||h.name.toLowerCase().includes(i.toLowerCase()),m=t.filter(h=>!H(h)&&l(h)),c=t.filter(h=>H(h)&&l(h));return p`
    <nav class="sidebar-inner" aria-label="Dashboard" onClick=${h=>h.target.closest("a")&&e()}>
      <a class="brand" href="#/collections">Galley</a>
      <ul class="nav-main">
        ${xn().map(h=>{let f=n===h.href.slice(1)||h.match&&h.match.test(n);return p`<li><a href=${h.href} class=${f?"current":""} aria-current=${f?"page":void 0}>${h.label}</a></li>`})}
      </ul>
      <section class="nav-collections" aria-labelledby="nav-coll-h">
        <div class="nav-head">
          <h2 id="nav-coll-h">Collections</h2>
          <a class="btn small" href="#/collections/new">+ New<span class="sr-only"> collection</span></a>
        </div>
        <label class="sr-only" for="nav-filter">Filter collections</label>
        <input id="nav-filter" type="search" placeholder="Filter collections" value=${i} onInput=${h=>a(h.currentTarget.value)} />
        ${r&&p`<p class="field-error">Could not load the collections. <button class="btn link" onClick=${Q}>Retry</button></p>`}
        ${s&&!m.length&&!i&&p`<p class="muted small">No collections yet.</p>`}
        <ul class="nav-list">${m.map(h=>p`<${ls} key=${h.id} c=${h} current=${n} />`)}</ul>
        ${c.length>0&&p`<details class="nav-system" open=${!!i}>
          <summary>System collections (${c.length})</summary>
          <ul class="nav-list">${c.map(h=>p`<${ls} key=${h.id} c=${h} current=${n} />`)}</ul>
        </details>`}
      </section>
      <div class="nav-account">
        <span class="small muted" title=${o?.email}>${o?.email}</span>
        <button class="btn small" type="button" onClick=${$e}>Log out</button>
      </div>
    </nav>
  `}function uo(n){n.preventDefault(),document.getElementById("main-content")?.focus()}function cs({path:n,children:e}){let[t,s]=w(!1);return O(()=>{Q()},[]),O(()=>s(!1),[n]),O(()=>{if(!t)return;let r=o=>o.key==="Escape"&&s(!1);return window.addEventListener("keydown",r),()=>window.removeEventListener("keydown",r)},[t]),p`
    <a class="skip-link" href="#main-content" onClick=${uo}>Skip to content</a>
    <div class=${`shell ${t?"menu-open":""}`}>
      <header class="topbar">
        <button class="btn" type="button" aria-expanded=${t?"true":"false"} aria-controls="sidebar" onClick=${()=>s(!t)}>
          ${t?"Close menu":"Menu"}
        </button>
        <a class="brand" href="#/collections">Galley</a>
      </header>
      <div class="sidebar" id="sidebar">
        <${co} path=${n} onNavigate=${()=>s(!1)} />
      </div>
      ${t&&p`<div class="scrim" onClick=${()=>s(!1)}></div>`}
      <main id="main-content" tabindex="-1" class="main">${e}</main>
    </div>
  `}as();function po(){return p`<div class="page"><h1 tabindex="-1">Not found</h1><p>There is no such page. <a href="#/collections">Go to the collections</a>.</p></div>`}function ho(){let{user:n,expired:e}=z(ie),t=Cn(),[s,r]=w(!1),o=F(!0);O(()=>{vn().finally(()=>r(!0))},[]);let i=Sn(t.path),a=i?.route.title||(i?"":"Not found");if(O(()=>{document.title=a?`${a} · Galley`:"Galley"},[a]),O(()=>{if(o.current){o.current=!1;return}requestAnimationFrame(()=>document.querySelector("#main-content h1")?.focus())},[t.path]),t.path==="/"||n&&t.path==="/login")return G("#/collections",{replace:!0}),null;if(i?.route.public)return p`<${i.route.component} params=${i.params} query=${t.query} /><${Ge} />`;if(!s)return p`<p class="loading" role="status">Loading…</p>`;if(!n)return p`<${Ve} /><${Ge} />`;let l=i?i.route.component:po;return p`
    <${cs} path=${t.path}>
      <${l} key=${t.path} params=${i?.params||{}} query=${t.query} />
    <//>
    <${Re} open=${e} title="Log in again">
      <${Pn} email=${n.email} />
    <//>
    <${Ge} />
  `}Gt(p`<${ho} />`,document.getElementById("app"));
