/* Galley dashboard. Bundles preact (MIT), htm (Apache-2.0) and pocketbase (MIT). */
var K,ls,Kn,we,gt,tt,cs,Xe,ds,yt,$t,Wn,Ue=Symbol.for("pv"),st={},nt=[],Jn=/^m(i|n|o|s|text|space)$/,vt=Array.isArray,wt=nt.slice,Te=Object.assign;function Ce(s){s&&s.parentNode&&s.remove()}function us(s,e,t){var n,o,r,a={},i=arguments.length;for(r in e)r=="key"?n=e[r]:r=="ref"&&typeof s!="function"?o=e[r]:a[r]=e[r];return i>2&&(a.children=i>3?wt.call(arguments,2):t),De(s,a,n,o,null)}function De(s,e,t,n,o){var r={type:s,props:e,key:t,ref:n,__k:null,__:null,__b:0,__e:null,__c:null,constructor:Ue,__v:o||++ls,__i:-1,__u:0};return!o&&K.vnode&&K.vnode(r),r}function ot(s){return s.children}function Ze(s,e){this.props=s,this.context=e,this.__g=0}function _e(s,e){if(e==null)return s.__&&_e(s.__,s.__i+1);for(var t;e<s.__k.length;e++)if((t=s.__k[e])&&t.__e)return t.__e;return typeof s.type!="function"||s.props.__P?null:_e(s)}function Vn(s){var e,t=s.__v,n=t.__e,o=[],r=[],a=s.__P;a&&((e=Te({constructor:Ue},t)).__v=t.__v+1,K.vnode&&K.vnode(e),_t(a,e,t,s.__n,a.namespaceURI,32&t.__u?[n]:null,o,n||_e(t),32&t.__u,r),e.__v=t.__v,e.__.__k[e.__i]=e,gs(o,e,r),t.__=t.__e=null,e.__e!=n&&ps(e))}function ps(s){if((s=s.__)&&s.__c&&!s.props.__P)return s.__e=null,s.__k.some(function(e){return e&&(s.__e=e.__e)}),ps(s)}function is(s){(8&s.__g||(s.__g|=8,we.push(s),tt++))&&gt==K.debounceRendering||((gt=K.debounceRendering)||queueMicrotask)(ms)}function ms(){try{for(var s,e=1;we.length;)we.length>e&&we.sort(cs),s=we.shift(),e=we.length,8&s.__g&&Vn(s)}finally{(tt=we.length)&&(gt||queueMicrotask)(ms)}}function hs(s,e,t,n,o,r,a,i,l,p,d){var h,y,u,m,g,w,v=n.__k||nt,f=e.length;for(l=Gn(t,e,v,l,f),h=0;h<f;h++)(u=t.__k[h])!=null&&(y=~u.__i&&v[u.__i]||st,u.__i=h,w=_t(s,u,y,o,r,a,i,l,p,d),m=u.__e,(y.ref!=u.ref||8&y.__u)&&(y.ref&&kt(y.ref,null,u,y),u.ref&&d.push(u.ref,u.__c||m,u)),g=g||m,4&u.__u?(l=fs(u,l,s,!y.__v),y.__e&&(y.__e=null)):typeof u.type=="function"&&w!==void 0?l=w:m&&(l=m.nextSibling),u.__u&=-21);return t.__e=g,l}function Gn(s,e,t,n,o){var r,a,i,l,p,d,h,y,u,m=t.length,g=m,w=0,v=0,f=s.__k=Array(o);for(r=0;r<o;r++)(a=e[r])!=null&&typeof a!="boolean"&&typeof a!="function"?(typeof a!="object"||a.constructor===String?a=f[r]=De(null,a):vt(a)?a=f[r]=De(ot,{children:a}):a.constructor===Ue&&a.__b?a=f[r]=De(a.type,a.props,a.key,a.ref,a.__v):f[r]=a,l=r+w,a.__=s,a.__b=s.__b+1,i=null,~(p=a.__i=Qn(a,t,l,g))&&(g--,(i=t[p])&&(i.__u|=2)),i&&i.__v?(a.__u|=16,p==l-1?w--:p==l+1?w++:p!=l&&(p>l?w--:w++,v=1)):(~p||(o>m?w--:o<m&&w++),typeof a.type!="function"&&(a.__u|=4))):f[r]=null;if(v){for(d=[],h=[],r=0;r<o;r++)if((a=f[r])&&16&a.__u){for(w=0,y=d.length;w<y;)d[u=w+y>>1]<a.__i?w=u+1:y=u;d[w]=a.__i,h[r]=w+1}for(w=d.length;r--;)h[r]&&(h[r]==w?w--:f[r].__u|=4)}if(g)for(r=0;r<m;r++)!(i=t[r])||2&i.__u||(i.__e==n&&(n=_e(i)),xt(i,i));return n}function fs(s,e,t,n){var o,r,a,i;if(typeof s.type=="function"){if(s.props.__P)return e;if(o=s.__k)for(r=0;r<o.length;r++)o[r]&&(o[r].__=s,e=fs(o[r],e,t,!1));return e}for(e&&!e.parentNode&&(e=_e(s))&&!e.parentNode&&(e=null),a=s.__e,i=e;i&&i.nodeType==8;)i=i.nextSibling;for(a!=i&&(!n&&t.moveBefore&&a.parentNode?t.moveBefore(a,e):t.insertBefore(a,e||null)),e=a;(e=e&&e.nextSibling)&&e.nodeType==8&&!e.data.startsWith("$s"););return e}function Qn(s,e,t,n){var o,r=s.key,a=s.type,i=e[t],l=i&&!(2&i.__u);if(i===null&&r==null||l&&r==i.key&&a==i.type)return t;if(n>(l?1:0)){for(o=t-1;o>=0;o--)if((i=e[o])&&!(2&i.__u)&&r==i.key&&a==i.type)return o;for(o=t+1;o<e.length;o++)if((i=e[o])&&!(2&i.__u)&&r==i.key&&a==i.type)return o}return-1}function as(s,e,t){t==null&&(t=""),e[0]=="-"?s.setProperty(e,t):s[e]=t}function Ye(s,e,t,n,o){var r,a;if(e=="style")if(typeof t=="string")s.style.cssText=t;else{if(typeof n=="string"&&(s.style.cssText=n=""),n)for(e in n)t&&e in t||as(s.style,e);if(t)for(e in t)n&&t[e]==n[e]||as(s.style,e,t[e])}else if(e[0]=="o"&&e[1]=="n")typeof t!="function"&&(t=null),typeof n!="function"&&(n=null),(s.__e||(s.__e={}))[e]=t,t&&n||(a=$t[e]||($t[e]=Yn(e)),(s.__a||(s.__a={}))[e]=yt,r=e!=(e=e.replace(ds,"$1")),(e=e.slice(2))[0]<"a"&&(e=e.toLowerCase()),t?s.addEventListener(e,a,r):s.removeEventListener(e,a,r));else{if(o=="http://www.w3.org/2000/svg")e=e.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(e!="width"&&e!="height"&&e!="href"&&e!="list"&&e!="form"&&e!="tabIndex"&&e!="download"&&e!="rowSpan"&&e!="colSpan"&&e!="role"&&e!="popover"&&e in s)try{return void(s[e]=t??"")}catch{}if(typeof t=="function")return;t==null||t===!1&&e[4]!="-"?s.removeAttribute(e):s.setAttribute(e,e=="popover"&&t==1?"":t)}}function Yn(s){return function(e){var t=this.__e;if(t){if(t=t[s],e[Xe]==null)e[Xe]=yt++;else if(e[Xe]<this.__a[s])return;return t(K.event?K.event(e):e)}}}function _t(s,e,t,n,o,r,a,i,l,p){var d,h,y,u,m,g,w,v,f,b,_,S,E,D,N,R,U,V,W=e.type;if(e.constructor!==Ue)return null;128&t.__u&&(l=32&t.__u,d=t.__c.__z)&&(e.__u|=l,h=r=[],d.nodeType==8?i=et(d,r):r.push(d),i=r[0]||i),(d=K.__b)&&d(e);e:if(typeof W=="function"){y=a.length;try{if(v=e.props,f=(d=W.prototype)&&d.render,b=(d=W.contextType)&&n[d.__c],_=d?b?b.props.value:d.__:n,(u=t.__c)?(e.__c=u,2&u.__g&&(u.__g|=1)):(f?e.__c=u=new W(v,_):(e.__c=u=new Ze(v,_),u.constructor=W,u.render=Zn),b&&b.sub(u),u.state||(u.state={}),u.__n=n,u.__g|=8,u.__h=[],u.__k=[]),f&&(u.__s||(u.__s=u.state),W.getDerivedStateFromProps&&(u.__s==u.state&&(u.__s=Te({},u.__s)),Te(u.__s,W.getDerivedStateFromProps(v,u.__s)))),m=u.props,g=u.state,u.__v=e,t.__c){if(v!==m&&f&&!W.getDerivedStateFromProps&&u.componentWillReceiveProps&&u.componentWillReceiveProps(v,_),e.__v==t.__v&&!(8&u.__g)||!(4&u.__g)&&u.shouldComponentUpdate&&u.shouldComponentUpdate(v,u.__s,_)===!1){e.__v!=t.__v&&(u.props=v,u.state=u.__s,u.__g&=-9),e.__e=t.__e,e.__k=t.__k,e.__k.some(function(F){F&&(F.__=e)}),nt.push.apply(u.__h,u.__k),u.__k=[],u.__h.length&&a.push(u),i=_e(t);break e}u.componentWillUpdate&&u.componentWillUpdate(v,u.__s,_),f&&u.componentDidUpdate&&u.__h.push(function(){u.componentDidUpdate(m,g,w)})}else f&&!W.getDerivedStateFromProps&&u.componentWillMount&&u.componentWillMount(),f&&u.componentDidMount&&u.__h.push(u.componentDidMount);u.context=_,u.props=v,u.__P=s,u.__g&=-5,S=K.__r,E=f?25:0;do u.__g&=-9,S&&S(e),d=u.render(u.props,u.state=u.__s,u.context);while(8&u.__g&&++E<25);f&&(nt.push.apply(u.__h,u.__k),u.__k=[]),u.state=u.__s,u.getChildContext&&(n=Te({},n,u.getChildContext())),f&&t.__c&&u.getSnapshotBeforeUpdate&&(w=u.getSnapshotBeforeUpdate(m,g)),D=d&&d.type===ot&&d.key==null?d.props.children:d,v.__P&&(d=i,o=(s=v.__P).namespaceURI,l=r=null,t.props&&t.props.__P!=s&&(t.__k.some(function(F){F&&xt(F,F)}),t.__k=null),i=t.__k?_e(t,0):null),i=hs(s,vt(D)?D:[D],e,t,n,o,r,a,i,l,p),v.__P&&(e.__e=null,i=d),e.__u&=-161,h&&h.some(Ce),u.__h.length&&a.push(u),1&u.__g&&(u.__g&=-4)}catch(F){if(a.length=y,e.__v=null,l||r)if(F&&F.then){if(e.__u|=128|l,r){for(~(U=r.indexOf(i||void 0))||(U=r.length);(V=r[U-1])&&V.nodeType==8;)U--;for(;U<r.length;U++)if(V=r[U])if(r[U]=null,N){if(V==R)break}else{if(V.nodeType!=8)break;V.data.startsWith("$s")&&(R=et(N=V))}}if(!N){for(;i&&i.nodeType==8&&i.nextSibling;)i=i.nextSibling;N=i}(d=et(N=e.__c.__z||(e.__c.__z=N)))?(e.__e=N,i=d):e.__e=i,i=i&&i.nextSibling}else r&&r.some(Ce);else e.__e=t.__e;e.__k||(e.__k=t.__k||[]),F&&F.then||bs(e),K.__e(F,e,t)}}else i=e.__e=Xn(t.__e,e,t,n,o,r,a,l,p,s);return(d=K.diffed)&&d(e),i}function et(s,e){if(s&&s.nodeType==8&&s.data.startsWith("$s"))for(var t=1;s=s.nextSibling;){if(s.nodeType==8){if(s.data.startsWith("$s"))t++;else if(s.data.startsWith("/$s")&&!--t)return s}e&&e.push(s)}}function bs(s){s&&(s.__c&&(s.__c.__g|=4),s.__k&&s.__k.some(bs))}function gs(s,e,t){for(var n=0;n<t.length;)kt(t[n++],t[n++],t[n++]);K.__c&&K.__c(e,s),s.some(function(o){try{s=o.__h,o.__h=[],s.some(function(r){r.call(o)})}catch(r){K.__e(r,o.__v)}})}function Xn(s,e,t,n,o,r,a,i,l,p){var d,h,y,u,m,g,w,v,f=t.props||st,b=e.props,_=e.type;if(_=="svg"?o="http://www.w3.org/2000/svg":_=="math"?o="http://www.w3.org/1998/Math/MathML":o||(o="http://www.w3.org/1999/xhtml"),r){for(d=0;d<r.length;d++)if((m=r[d])&&(_?m.localName==_:m.nodeType==3)){s=m,r[d]=null;break}}if(!s){if(v=p.ownerDocument||document,!_)return v.createTextNode(b);s=v.createElementNS(o,_,b.is?b:p),i&&(K.__m&&K.__m(e,r),i=!1),r=null}if(_){if(p=_=="template"&&s.content||s,r=_=="textarea"&&b.defaultValue!=null?null:r&&wt.call(p.childNodes),!i&&r)for(f={},d=0;d<s.attributes.length;d++)f[(m=s.attributes[d]).name]=m.value;for(d in f)m=f[d],d=="dangerouslySetInnerHTML"?y=m:d=="children"||d in b||d=="value"&&"defaultValue"in b||d=="checked"&&"defaultChecked"in b||Ye(s,d,null,m,o);for(d in b)m=b[d],d=="children"?u=m:d=="dangerouslySetInnerHTML"?h=m:d=="value"?g=m:d=="checked"?w=m:i&&typeof m!="function"||f[d]===m||Ye(s,d,m,f[d],o);h?(i||y&&(h.__html==y.__html||h.__html==s.innerHTML)||(s.innerHTML=h.__html),e.__k=[]):(y&&(s.textContent=""),(_=="foreignObject"||o=="http://www.w3.org/1998/Math/MathML"&&Jn.test(_))&&(o="http://www.w3.org/1999/xhtml"),hs(p,vt(u)?u:[u],e,t,n,o,r,a,r?r[0]:t.__k&&_e(t,0),i,l),r&&r.some(Ce)),i&&_!="textarea"||(d="value",_=="progress"&&g==null?s.removeAttribute(d):g==null||g===s[d]&&(_!="progress"||g)||Ye(s,d,g,f[d],o),d="checked",w!=null&&w!=s[d]&&Ye(s,d,w,f[d],o))}else f===b||i&&s.data==b||(s.data=b);return s}function kt(s,e,t,n){try{typeof s=="function"?e?e.__x=s(e)||1:n&&(n=n.__c||n.__e)&&(e=n.__x)&&(n.__x=null,typeof e=="function"?e():s(null)):s.current=e}catch(o){K.__e(o,t)}}function xt(s,e,t){var n,o,r,a;if(K.unmount&&K.unmount(s),!(n=s.ref)||n.current&&n.current!=s.__e||kt(n,null,e,s),n=s.__c){if(n.componentWillUnmount)try{n.componentWillUnmount()}catch(i){K.__e(i,e)}n.__P=n.__n=null}if(n=s.__k)for(a=0;a<n.length;a++)n[a]&&xt(n[a],e,typeof s.type!="function"||t&&!s.props.__P);!t&&(n=s.__c)&&(n=n.__z)&&(o=et(n,r=[]))&&(n==s.__e&&r.some(Ce),Ce(o),Ce(n)),t||Ce(s.__e),s.__e=s.__c=s.__=null}function Zn(s,e,t){return this.constructor(s,t)}function $s(s,e){var t,n,o,r;K.__&&K.__(s,e),e.nodeType==9&&(e=e.documentElement),n=(t=s&&32&s.__u)?null:e.__k,e.__k=De(ot,{children:[s]}),o=[],r=[],_t(e,e.__k,n||st,st,e.namespaceURI,n?null:e.firstChild?wt.call(e.childNodes):null,o,n?n.__e:e.firstChild,t,r),gs(o,e.__k,r),e.__k.props.children=null}K={__e:function(s,e,t,n){for(var o,r,a;e=e.__;)if((o=e.__c)&&!(1&o.__g)){o.__g|=4;try{if((a=(r=o.constructor)&&r.getDerivedStateFromError)&&o.setState(r.getDerivedStateFromError(s)),o.componentDidCatch&&(o.componentDidCatch(s,n||{}),a=1),a&&8&o.__g)return void(o.__g|=2)}catch(i){s=i}}throw tt=0,s}},ls=0,Kn=function(s){return s!=null&&s.constructor===Ue},Ze.prototype.setState=function(s,e){var t=this.__s;t&&t!=this.state||(t=this.__s=Te({},this.state)),typeof s=="function"&&(s=s(Te({},t),this.props)),s&&(Te(t,s),this.__v&&(e&&this.__k.push(e),is(this)))},Ze.prototype.forceUpdate=function(s){this.__v&&(this.__g|=4,s&&this.__h.push(s),is(this))},Ze.prototype.render=ot,we=[],tt=0,cs=function(s,e){return s.__v.__b-e.__v.__b},Xe=Symbol(),ds=/(PointerCapture)$|Capture$/i,yt=0,$t={},Wn=0;var Re,X,St,ys,Ct=Object.is,rt=0,Rs=[],Tt=[],Y=K,vs=Y.__b,ws=Y.__r,_s=Y.diffed,ks=Y.__c,xs=Y.unmount,Ss=Y.__;function Me(s,e){Y.__h&&Y.__h(X,s,rt||e),rt=0;var t=X.__H||(X.__H={__:[],__h:[]});return s>=t.__.length&&t.__.push({}),t.__[s]}function $(s){return rt=1,eo(Is,s)}function eo(s,e,t){var n=Me(Re++,2);if(n.t=s,!n.__c&&(n.__=[t?t(e):Is(void 0,e),function(r){var a=(n.__N||n.__)[0],i=n.t(a,r);Ct(a,i)||(n.__N=[i,n.__[1]],n.__c.setState({}))}],n.__c=X,!X.__f)){X.__f=!0;var o=X.shouldComponentUpdate;X.shouldComponentUpdate=function(r,a,i){var l=this.__H;if(!l)return!0;var p=!1,d=this.props!=r;if(l.__.some(function(y){y.__N&&(p=!0,Ct(y.__[0],y.__N[0])||(d=!0))}),o){var h=o.call(this,r,a,i);return p?h||d:h}return!p||d}}return n.__}function L(s,e){var t=Me(Re++,3);!Y.__s&&Ot(t.__H,e)&&(t.__P=!0,t.__=s,t.u=e,X.__H.__h.push(t))}function Os(s,e){var t=Me(Re++,4);!Y.__s&&Ot(t.__H,e)&&(t.__P=!1,t.__=s,t.u=e,X.__h.push(t))}function J(s){return rt=5,Pe(function(){return{current:s}},[])}function Pe(s,e){var t=Me(Re++,7);return Ot(t.__H,e)&&(t.__=s(),t.__H=e),t.__}function H(){var s=Me(Re++,11);if(!s.__){for(var e=X.__v;!e.__m&&e.__;)e=e.__;var t=e.__m||(e.__m=[0,0]);s.__="P"+t[0]+"-"+t[1]++}return s.__}function to(){var s;do{for(;s=Tt.shift();)try{Fe(s)}catch(t){Y.__e(t,{__:(s=s.__P)&&s.__v})}for(;s=Rs.shift();){var e=s.__H;if(s.__P&&e)try{e.__h.some(Fe),e.__h.some(Rt),e.__h=[]}catch(t){e.__h=[],Y.__e(t,s.__v)}}}while(Tt.length)}Y.__b=function(s){X=null,vs&&vs(s)},Y.__=function(s,e){s&&e.__k&&e.__k.__m&&(s.__m=e.__k.__m),Ss&&Ss(s,e)},Y.__r=function(s){ws&&ws(s),Re=0;var e=(X=s.__c).__H;e&&(St==X?X.__h=[]:(e.__h.some(Fe),e.__h.some(Rt),Re=0),e.__h=[],e.__.some(function(t){t.__N&&(t.__=t.__N),t.u=t.__N=void 0})),St=X},Y.diffed=function(s){_s&&_s(s);var e=s.__c;e&&e.__H&&(e.__H.__h.length&&Ts(Rs.push(e)),e.__H.__.some(function(t){t.u&&(t.__H=t.u)})),St=X=null},Y.__c=function(s,e){e.some(function(t){try{t.__h.some(Fe),t.__h=t.__h.filter(function(n){return!n.__||Rt(n)})}catch(n){t.__h=[function(){throw n}]}}),ks&&ks(s,e)},Y.unmount=function(s){xs&&xs(s);var e,t,n=s.__c;n&&n.__H&&(n.__H.__.some(function(o){try{if(o.__P&&o.__c){if(t===void 0){for(t=s.__;t&&(!t.__c||!t.__c.__P);)t=t.__;t=t&&t.__c}o.__P=t,Ts(Tt.push(o))}else Fe(o)}catch(r){e=r}}),n.__H=void 0,e&&Y.__e(e,n.__v))};var Cs=typeof requestAnimationFrame=="function";function so(s){var e,t=function(){clearTimeout(n),Cs&&cancelAnimationFrame(e),setTimeout(s)},n=setTimeout(t,35);Cs&&(e=requestAnimationFrame(t))}function Ts(s){s!=1&&ys==Y.requestAnimationFrame||((ys=Y.requestAnimationFrame)||so)(to)}function Fe(s){var e=X,t=s.__c;typeof t=="function"&&(s.__c=void 0,t()),X=e}function Rt(s){var e=X;s.__c=s.__(),X=e}function Ot(s,e){return!s||s.length!=e.length||e.some(function(t,n){return!Ct(t,s[n])})}function Is(s,e){return typeof e=="function"?e(s):e}var Ls=function(s,e,t,n){var o;e[0]=0;for(var r=1;r<e.length;r++){var a=e[r++],i=e[r]?(e[0]|=a?1:2,t[e[r++]]):e[++r];a===3?n[0]=i:a===4?n[1]=Object.assign(n[1]||{},i):a===5?(n[1]=n[1]||{})[e[++r]]=i:a===6?n[1][e[++r]]+=i+"":a?(o=s.apply(i,Ls(s,i,t,["",null])),n.push(o),i[0]?e[0]|=2:(e[r-2]=0,e[r]=o)):n.push(i)}return n},Es=new Map;function Ps(s){var e=Es.get(this);return e||(e=new Map,Es.set(this,e)),(e=Ls(this,e.get(s)||(e.set(s,e=(function(t){for(var n,o,r=1,a="",i="",l=[0],p=function(y){r===1&&(y||(a=a.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?l.push(0,y,a):r===3&&(y||a)?(l.push(3,y,a),r=2):r===2&&a==="..."&&y?l.push(4,y,0):r===2&&a&&!y?l.push(5,0,!0,a):r>=5&&((a||!y&&r===5)&&(l.push(r,0,a,o),r=6),y&&(l.push(r,y,0,o),r=6)),a=""},d=0;d<t.length;d++){d&&(r===1&&p(),p(d));for(var h=0;h<t[d].length;h++)n=t[d][h],r===1?n==="<"?(p(),l=[l],r=3):a+=n:r===4?a==="--"&&n===">"?(r=1,a=""):a=n+a[0]:i?n===i?i="":a+=n:n==='"'||n==="'"?i=n:n===">"?(p(),r=1):r&&(n==="="?(r=5,o=a,a=""):n==="/"&&(r<5||t[d][h+1]===">")?(p(),r===3&&(l=l[0]),r=l,(l=l[0]).push(2,0,r),r=0):n===" "||n==="	"||n===`
`||n==="\r"?(p(),r=2):a+=n),r===3&&a==="!--"&&(r=4,l=l[0])}return p(),l})(s)),e),arguments,[])).length>1?e:e[0]}var c=Ps.bind(us);function Ae(s){let e=s,t=new Set;return{get:()=>e,set(n){e=typeof n=="function"?n(e):n;for(let o of[...t])o(e)},subscribe(n){return t.add(n),()=>t.delete(n)}}}function Z(s){let[,e]=$(0);return L(()=>s.subscribe(()=>e(t=>t+1)),[s]),s.get()}var de=class s extends Error{constructor(e){super("ClientResponseError"),this.url="",this.status=0,this.response={},this.isAbort=!1,this.originalError=null,Object.setPrototypeOf(this,s.prototype),e!==null&&typeof e=="object"&&(this.originalError=e.originalError,this.url=typeof e.url=="string"?e.url:"",this.status=typeof e.status=="number"?e.status:0,this.isAbort=!!e.isAbort||e.name==="AbortError"||e.message==="Aborted",e.response!==null&&typeof e.response=="object"?this.response=e.response:e.data!==null&&typeof e.data=="object"?this.response=e.data:this.response={}),this.originalError||e instanceof s||(this.originalError=e),this.name="ClientResponseError "+this.status,this.message=this.response?.message,this.message||(this.isAbort?this.message="The request was aborted (most likely autocancelled; you can find more info in https://github.com/pocketbase/js-sdk#auto-cancellation).":this.originalError?.cause?.message?.includes("ECONNREFUSED ::1")?this.message="Failed to connect to the PocketBase server. Try changing the SDK URL from localhost to 127.0.0.1 (https://github.com/pocketbase/js-sdk/issues/21).":this.message="Something went wrong."),this.cause=this.originalError}get data(){return this.response}toJSON(){return{...this}}},it=/^[\u0009\u0020-\u007e\u0080-\u00ff]+$/;function no(s,e){let t={};if(typeof s!="string")return t;let n=Object.assign({},e||{}).decode||oo,o=0;for(;o<s.length;){let r=s.indexOf("=",o);if(r===-1)break;let a=s.indexOf(";",o);if(a===-1)a=s.length;else if(a<r){o=s.lastIndexOf(";",r-1)+1;continue}let i=s.slice(o,r).trim();if(t[i]===void 0){let l=s.slice(r+1,a).trim();l.charCodeAt(0)===34&&(l=l.slice(1,-1));try{t[i]=n(l)}catch{t[i]=l}}o=a+1}return t}function As(s,e,t){let n=Object.assign({},t||{}),o=n.encode||ro;if(!it.test(s))throw new TypeError("argument name is invalid");let r=o(e);if(r&&!it.test(r))throw new TypeError("argument val is invalid");let a=s+"="+r;if(n.maxAge!=null){let i=n.maxAge-0;if(isNaN(i)||!isFinite(i))throw new TypeError("option maxAge is invalid");a+="; Max-Age="+Math.floor(i)}if(n.domain){if(!it.test(n.domain))throw new TypeError("option domain is invalid");a+="; Domain="+n.domain}if(n.path){if(!it.test(n.path))throw new TypeError("option path is invalid");a+="; Path="+n.path}if(n.expires){if(!(function(l){return Object.prototype.toString.call(l)==="[object Date]"||l instanceof Date})(n.expires)||isNaN(n.expires.valueOf()))throw new TypeError("option expires is invalid");a+="; Expires="+n.expires.toUTCString()}if(n.httpOnly&&(a+="; HttpOnly"),n.secure&&(a+="; Secure"),n.priority)switch(typeof n.priority=="string"?n.priority.toLowerCase():n.priority){case"low":a+="; Priority=Low";break;case"medium":a+="; Priority=Medium";break;case"high":a+="; Priority=High";break;default:throw new TypeError("option priority is invalid")}if(n.sameSite)switch(typeof n.sameSite=="string"?n.sameSite.toLowerCase():n.sameSite){case!0:a+="; SameSite=Strict";break;case"lax":a+="; SameSite=Lax";break;case"strict":a+="; SameSite=Strict";break;case"none":a+="; SameSite=None";break;default:throw new TypeError("option sameSite is invalid")}return a}function oo(s){return s.indexOf("%")!==-1?decodeURIComponent(s):s}function ro(s){return encodeURIComponent(s)}var io=typeof navigator<"u"&&navigator.product==="ReactNative"||typeof global<"u"&&global.HermesInternal,Us;function Ne(s){if(s)try{let e=decodeURIComponent(Us(s.split(".")[1]).split("").map((function(t){return"%"+("00"+t.charCodeAt(0).toString(16)).slice(-2)})).join(""));return JSON.parse(e)||{}}catch{}return{}}function Fs(s,e=0){let t=Ne(s);return!(Object.keys(t).length>0&&(!t.exp||t.exp-e>Date.now()/1e3))}Us=typeof atob!="function"||io?s=>{let e=String(s).replace(/=+$/,"");if(e.length%4==1)throw new Error("'atob' failed: The string to be decoded is not correctly encoded.");for(var t,n,o=0,r=0,a="";n=e.charAt(r++);~n&&(t=o%4?64*t+n:n,o++%4)?a+=String.fromCharCode(255&t>>(-2*o&6)):0)n="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".indexOf(n);return a}:atob;var Ns="pb_auth",Be=class{constructor(){this.baseToken="",this.baseModel=null,this._onChangeCallbacks=[]}get token(){return this.baseToken}get record(){return this.baseModel}get model(){return this.baseModel}get isValid(){return!Fs(this.token)}get isSuperuser(){let e=Ne(this.token);return e.type=="auth"&&(this.record?.collectionName=="_superusers"||!this.record?.collectionName&&e.collectionId=="pbc_3142635823")}get isAdmin(){return console.warn("Please replace pb.authStore.isAdmin with pb.authStore.isSuperuser OR simply check the value of pb.authStore.record?.collectionName"),this.isSuperuser}get isAuthRecord(){return console.warn("Please replace pb.authStore.isAuthRecord with !pb.authStore.isSuperuser OR simply check the value of pb.authStore.record?.collectionName"),Ne(this.token).type=="auth"&&!this.isSuperuser}save(e,t){this.baseToken=e||"",this.baseModel=t||null,this.triggerChange()}clear(){this.baseToken="",this.baseModel=null,this.triggerChange()}loadFromCookie(e,t=Ns){let n=no(e||"")[t]||"",o={};try{o=JSON.parse(n),(typeof o===null||typeof o!="object"||Array.isArray(o))&&(o={})}catch{}this.save(o.token||"",o.record||o.model||null)}exportToCookie(e,t=Ns){let n={secure:!0,sameSite:!0,httpOnly:!0,path:"/"},o=Ne(this.token);n.expires=o?.exp?new Date(1e3*o.exp):new Date("1970-01-01"),e=Object.assign({},n,e);let r={token:this.token,record:this.record?JSON.parse(JSON.stringify(this.record)):null},a=As(t,JSON.stringify(r),e),i=typeof Blob<"u"?new Blob([a]).size:a.length;if(r.record&&i>4096){r.record={id:r.record?.id,email:r.record?.email};let l=["collectionId","collectionName","verified"];for(let p in this.record)l.includes(p)&&(r.record[p]=this.record[p]);a=As(t,JSON.stringify(r),e)}return a}onChange(e,t=!1){return this._onChangeCallbacks.push(e),t&&e(this.token,this.record),()=>{for(let n=this._onChangeCallbacks.length-1;n>=0;n--)if(this._onChangeCallbacks[n]==e)return delete this._onChangeCallbacks[n],void this._onChangeCallbacks.splice(n,1)}}triggerChange(){for(let e of this._onChangeCallbacks)e&&e(this.token,this.record)}},ze=class extends Be{constructor(e="pocketbase_auth"){super(),this.storageFallback={},this.storageKey=e,this._bindStorageEvent()}get token(){return(this._storageGet(this.storageKey)||{}).token||""}get record(){let e=this._storageGet(this.storageKey)||{};return e.record||e.model||null}get model(){return this.record}save(e,t){this._storageSet(this.storageKey,{token:e,record:t}),super.save(e,t)}clear(){this._storageRemove(this.storageKey),super.clear()}_storageGet(e){if(typeof window<"u"&&window?.localStorage){let t=window.localStorage.getItem(e)||"";try{return JSON.parse(t)}catch{return t}}return this.storageFallback[e]}_storageSet(e,t){if(typeof window<"u"&&window?.localStorage){let n=t;typeof t!="string"&&(n=JSON.stringify(t)),window.localStorage.setItem(e,n)}else this.storageFallback[e]=t}_storageRemove(e){typeof window<"u"&&window?.localStorage&&window.localStorage?.removeItem(e),delete this.storageFallback[e]}_bindStorageEvent(){typeof window<"u"&&window?.localStorage&&window.addEventListener&&window.addEventListener("storage",(e=>{if(e.key!=this.storageKey)return;let t=this._storageGet(this.storageKey)||{};super.save(t.token||"",t.record||t.model||null)}))}},pe=class{constructor(e){this.client=e}},Et=class extends pe{async getAll(e){return e=Object.assign({method:"GET"},e),this.client.send("/api/settings",e)}async update(e,t){return t=Object.assign({method:"PATCH",body:e},t),this.client.send("/api/settings",t)}async testS3(e="storage",t){return t=Object.assign({method:"POST",body:{filesystem:e}},t),this.client.send("/api/settings/test/s3",t).then((()=>!0))}async testEmail(e,t,n,o){return o=Object.assign({method:"POST",body:{email:t,template:n,collection:e}},o),this.client.send("/api/settings/test/email",o).then((()=>!0))}async generateAppleClientSecret(e,t,n,o,r,a){return a=Object.assign({method:"POST",body:{clientId:e,teamId:t,keyId:n,privateKey:o,duration:r}},a),this.client.send("/api/settings/apple/generate-client-secret",a)}},ao=["requestKey","$cancelKey","$autoCancel","fetch","headers","body","query","params","cache","credentials","headers","integrity","keepalive","method","mode","redirect","referrer","referrerPolicy","signal","window"];function Ht(s){if(s){s.query=s.query||{};for(let e in s)ao.includes(e)||(s.query[e]=s[e],delete s[e])}}function Kt(s){let e=[];for(let t in s){let n=encodeURIComponent(t),o=Array.isArray(s[t])?s[t]:[s[t]];for(let r of o)r=lo(r),r!==null&&e.push(n+"="+r)}return e.join("&")}function lo(s){return s==null?null:s instanceof Date?encodeURIComponent(s.toISOString().replace("T"," ")):encodeURIComponent(typeof s=="object"?JSON.stringify(s):s)}var at=class extends pe{constructor(){super(...arguments),this.clientId="",this.eventSource=null,this.subscriptions={},this.lastSentSubscriptions=[],this.maxConnectTimeout=15e3,this.reconnectAttempts=0,this.maxReconnectAttempts=1/0,this.predefinedReconnectIntervals=[200,300,500,1e3,1200,1500,2e3],this.pendingConnects=[],this.pendingSubmits=[],this.isProcessingPendingSubmits=!1}get isConnected(){return!!this.eventSource&&!!this.clientId&&!this.pendingConnects.length}async subscribe(e,t,n){if(!e)throw new Error("topic must be set.");let o=e;if(n){Ht(n=Object.assign({},n));let a="options="+encodeURIComponent(JSON.stringify({query:n.query,headers:n.headers}));o+=(o.includes("?")?"&":"?")+a}let r=function(a){let i=a,l;try{l=JSON.parse(i?.data)}catch{}t(l||{})};return this.subscriptions[o]||(this.subscriptions[o]=[]),this.subscriptions[o].push(r),this.isConnected?this.subscriptions[o].length===1?await this.submitSubscriptions():this.eventSource?.addEventListener(o,r):await this.connect(),async()=>this.unsubscribeByTopicAndListener(e,r)}async unsubscribe(e){if(e){let t=this.getSubscriptionsByTopic(e);for(let n in t)if(this.hasSubscriptionListeners(n)){for(let o of this.subscriptions[n])this.eventSource?.removeEventListener(n,o);delete this.subscriptions[n]}}else this.subscriptions={};await this.submitSubscriptions()}async unsubscribeByPrefix(e){let t=!1;for(let n in this.subscriptions)if((n+"?").startsWith(e)){t=!0;for(let o of this.subscriptions[n])this.eventSource?.removeEventListener(n,o);delete this.subscriptions[n]}t&&await this.submitSubscriptions()}async unsubscribeByTopicAndListener(e,t){let n=this.getSubscriptionsByTopic(e);for(let o in n){if(!Array.isArray(this.subscriptions[o])||!this.subscriptions[o].length)continue;let r=!1;for(let a=this.subscriptions[o].length-1;a>=0;a--)this.subscriptions[o][a]===t&&(r=!0,delete this.subscriptions[o][a],this.subscriptions[o].splice(a,1),this.eventSource?.removeEventListener(o,t));r&&(this.subscriptions[o].length||delete this.subscriptions[o])}await this.submitSubscriptions()}hasSubscriptionListeners(e){if(this.subscriptions=this.subscriptions||{},e)return!!this.subscriptions[e]?.length;for(let t in this.subscriptions)if(this.subscriptions[t]?.length)return!0;return!1}async submitSubscriptions(){return new Promise(((e,t)=>{this.pendingSubmits.push({resolve:e,reject:t}),this.pendingSubmits.length==1&&queueMicrotask((()=>this.finalizePendingSubscriptions()))}))}async finalizePendingSubscriptions(){if(this.isProcessingPendingSubmits||!this.pendingSubmits.length)return;let e=this.pendingSubmits.slice();this.pendingSubmits=[],this.isProcessingPendingSubmits=!0;try{await this.sendSubscriptions();for(let t of e)t.resolve()}catch(t){for(let n of e)t?n.reject(t):n.resolve()}finally{this.isProcessingPendingSubmits=!1,this.pendingSubmits.length>0&&await this.finalizePendingSubscriptions()}}getSubscriptionsCancelKey(){return"realtime_"+this.clientId}getSubscriptionsByTopic(e){let t={};e=e.includes("?")?e:e+"?";for(let n in this.subscriptions)(n+"?").startsWith(e)&&(t[n]=this.subscriptions[n]);return t}getNonEmptySubscriptionKeys(){let e=[];for(let t in this.subscriptions)this.subscriptions[t].length&&e.push(t);return e}hasUnsentSubscriptions(){let e=this.getNonEmptySubscriptionKeys();if(e.length!=this.lastSentSubscriptions.length)return!0;for(let t of e)if(!this.lastSentSubscriptions.includes(t))return!0;return!1}async sendSubscriptions(){if(this.clientId){if(!this.hasSubscriptionListeners())return this.disconnect();if(this.hasUnsentSubscriptions())return this.addAllSubscriptionListeners(),this.lastSentSubscriptions=this.getNonEmptySubscriptionKeys(),this.client.send("/api/realtime",{method:"POST",body:{clientId:this.clientId,subscriptions:this.lastSentSubscriptions},requestKey:this.getSubscriptionsCancelKey()}).catch((e=>{if(!e?.isAbort)throw e}))}}addAllSubscriptionListeners(){if(this.eventSource){this.removeAllSubscriptionListeners();for(let e in this.subscriptions)for(let t of this.subscriptions[e])this.eventSource.addEventListener(e,t)}}removeAllSubscriptionListeners(){if(this.eventSource)for(let e in this.subscriptions)for(let t of this.subscriptions[e])this.eventSource.removeEventListener(e,t)}async connect(){if(!(this.reconnectAttempts>0))return new Promise(((e,t)=>{this.pendingConnects.push({resolve:e,reject:t}),this.pendingConnects.length==1&&queueMicrotask((()=>this.initConnect()))}))}initConnect(){this.disconnect(!0),clearTimeout(this.connectTimeoutId),this.connectTimeoutId=setTimeout((()=>{this.connectErrorHandler(new Error("EventSource connect took too long."))}),this.maxConnectTimeout),this.eventSource=new EventSource(this.client.buildURL("/api/realtime")),this.eventSource.onerror=e=>{this.connectErrorHandler(new Error("Failed to establish realtime connection."))},this.eventSource.addEventListener("PB_CONNECT",(e=>{let t=e;this.clientId=t?.lastEventId,this.lastSentSubscriptions=[],this.submitSubscriptions().then((async()=>{let n=3;for(;this.hasUnsentSubscriptions()&&n>0;)n--,await this.submitSubscriptions();for(let r of this.pendingConnects)r.resolve();this.pendingConnects=[],this.reconnectAttempts=0,clearTimeout(this.reconnectTimeoutId),clearTimeout(this.connectTimeoutId);let o=this.getSubscriptionsByTopic("PB_CONNECT");for(let r in o)for(let a of o[r])a(e);this.hasUnsentSubscriptions()&&await this.submitSubscriptions()})).catch((n=>{this.clientId="",this.lastSentSubscriptions=[],this.connectErrorHandler(n)}))}))}connectErrorHandler(e){if(clearTimeout(this.connectTimeoutId),clearTimeout(this.reconnectTimeoutId),!this.clientId&&!this.reconnectAttempts||this.reconnectAttempts>this.maxReconnectAttempts){for(let n of this.pendingConnects)n.reject(new de(e));return this.pendingConnects=[],void this.disconnect()}this.disconnect(!0);let t=this.predefinedReconnectIntervals[this.reconnectAttempts]||this.predefinedReconnectIntervals[this.predefinedReconnectIntervals.length-1];this.reconnectAttempts++,this.reconnectTimeoutId=setTimeout((()=>{this.initConnect()}),t)}disconnect(e=!1){if(this.clientId&&this.onDisconnect&&this.onDisconnect(Object.keys(this.subscriptions)),clearTimeout(this.connectTimeoutId),clearTimeout(this.reconnectTimeoutId),this.removeAllSubscriptionListeners(),this.client.cancelRequest(this.getSubscriptionsCancelKey()),this.eventSource?.close(),this.eventSource=null,this.clientId="",this.lastSentSubscriptions=[],!e){this.reconnectAttempts=0;for(let t of this.pendingConnects)t.resolve();this.pendingConnects=[]}}},lt=class extends pe{decode(e){return e}async getFullList(e,t){if(typeof e=="number")return this._getFullList(e,t);let n=1e3;return(t=Object.assign({},e,t)).batch&&(n=t.batch,delete t.batch),this._getFullList(n,t)}async getList(e=1,t=30,n){return(n=Object.assign({method:"GET"},n)).query=Object.assign({page:e,perPage:t},n.query),this.client.send(this.baseCrudPath,n).then((o=>(o.items=o.items?.map((r=>this.decode(r)))||[],o)))}async getFirstListItem(e,t){return(t=Object.assign({requestKey:"one_by_filter_"+this.baseCrudPath+"_"+e},t)).query=Object.assign({filter:e,skipTotal:1},t.query),this.getList(1,1,t).then((n=>{if(!n?.items?.length)throw new de({status:404,response:{code:404,message:"The requested resource wasn't found.",data:{}}});return n.items[0]}))}async getOne(e,t){if(!e)throw new de({url:this.client.buildURL(this.baseCrudPath+"/"),status:404,response:{code:404,message:"Missing required record id.",data:{}}});return t=Object.assign({method:"GET"},t),this.client.send(this.baseCrudPath+"/"+encodeURIComponent(e),t).then((n=>this.decode(n)))}async create(e,t){return t=Object.assign({method:"POST",body:e},t),this.client.send(this.baseCrudPath,t).then((n=>this.decode(n)))}async update(e,t,n){return n=Object.assign({method:"PATCH",body:t},n),this.client.send(this.baseCrudPath+"/"+encodeURIComponent(e),n).then((o=>this.decode(o)))}async delete(e,t){return t=Object.assign({method:"DELETE"},t),this.client.send(this.baseCrudPath+"/"+encodeURIComponent(e),t).then((()=>!0))}_getFullList(e=1e3,t){(t=t||{}).query=Object.assign({skipTotal:1},t.query);let n=[],o=async r=>this.getList(r,e||1e3,t).then((a=>{let i=a.items;return n=n.concat(i),i.length==a.perPage?o(r+1):n}));return o(1)}};function ke(s,e,t,n){let o=n!==void 0;return o||t!==void 0?o?(console.warn(s),e.body=Object.assign({},e.body,t),e.query=Object.assign({},e.query,n),e):Object.assign(e,t):e}function It(s){s._resetAutoRefresh?.()}var Lt=class extends lt{constructor(e,t){super(e),this.collectionIdOrName=t}get baseCrudPath(){return this.baseCollectionPath+"/records"}get baseCollectionPath(){return"/api/collections/"+encodeURIComponent(this.collectionIdOrName)}get isSuperusers(){return this.collectionIdOrName=="_superusers"||this.collectionIdOrName=="_pbc_2773867675"}async subscribe(e,t,n){if(!e)throw new Error("Missing topic.");if(!t)throw new Error("Missing subscription callback.");return this.client.realtime.subscribe(this.collectionIdOrName+"/"+e,t,n)}async unsubscribe(e){return e?this.client.realtime.unsubscribe(this.collectionIdOrName+"/"+e):this.client.realtime.unsubscribeByPrefix(this.collectionIdOrName)}async getFullList(e,t){if(typeof e=="number")return super.getFullList(e,t);let n=Object.assign({},e,t);return super.getFullList(n)}async getList(e=1,t=30,n){return super.getList(e,t,n)}async getFirstListItem(e,t){return super.getFirstListItem(e,t)}async getOne(e,t){return super.getOne(e,t)}async create(e,t){return super.create(e,t)}async update(e,t,n){return super.update(e,t,n).then((o=>{if(this.client.authStore.record?.id===o?.id&&(this.client.authStore.record?.collectionId===this.collectionIdOrName||this.client.authStore.record?.collectionName===this.collectionIdOrName)){let r=Object.assign({},this.client.authStore.record.expand),a=Object.assign({},this.client.authStore.record,o);r&&(a.expand=Object.assign(r,o.expand)),this.client.authStore.save(this.client.authStore.token,a)}return o}))}async delete(e,t){return super.delete(e,t).then((n=>(!n||this.client.authStore.record?.id!==e||this.client.authStore.record?.collectionId!==this.collectionIdOrName&&this.client.authStore.record?.collectionName!==this.collectionIdOrName||this.client.authStore.clear(),n)))}authResponse(e){let t=this.decode(e?.record||{});return this.client.authStore.save(e?.token,t),Object.assign({},e,{token:e?.token||"",record:t})}async listAuthMethods(e){return e=Object.assign({method:"GET",fields:"mfa,otp,password,oauth2"},e),this.client.send(this.baseCollectionPath+"/auth-methods",e)}async authWithPassword(e,t,n){let o;n=Object.assign({method:"POST",body:{identity:e,password:t}},n),this.isSuperusers&&(o=n.autoRefreshThreshold,delete n.autoRefreshThreshold,n.autoRefresh||It(this.client));let r=await this.client.send(this.baseCollectionPath+"/auth-with-password",n);return r=this.authResponse(r),o&&this.isSuperusers&&(function(i,l,p,d){It(i);let h=i.beforeSend,y=i.authStore.record,u=i.authStore.onChange(((m,g)=>{(!m||g?.id!=y?.id||(g?.collectionId||y?.collectionId)&&g?.collectionId!=y?.collectionId)&&It(i)}));i._resetAutoRefresh=function(){u(),i.beforeSend=h,delete i._resetAutoRefresh},i.beforeSend=async(m,g)=>{let w=i.authStore.token;if(g.query?.autoRefresh)return h?h(m,g):{url:m,sendOptions:g};let v=i.authStore.isValid;if(v&&Fs(i.authStore.token,l))try{await p()}catch{v=!1}v||await d();let f=g.headers||{};for(let b in f)if(b.toLowerCase()=="authorization"&&w==f[b]&&i.authStore.token){f[b]=i.authStore.token;break}return g.headers=f,h?h(m,g):{url:m,sendOptions:g}}})(this.client,o,(()=>this.authRefresh({autoRefresh:!0})),(()=>this.authWithPassword(e,t,Object.assign({autoRefresh:!0},n)))),r}async authWithOAuth2Code(e,t,n,o,r,a,i){let l={method:"POST",body:{provider:e,code:t,codeVerifier:n,redirectURL:o,createData:r}};return l=ke("This form of authWithOAuth2Code(provider, code, codeVerifier, redirectURL, createData?, body?, query?) is deprecated. Consider replacing it with authWithOAuth2Code(provider, code, codeVerifier, redirectURL, createData?, options?).",l,a,i),this.client.send(this.baseCollectionPath+"/auth-with-oauth2",l).then((p=>this.authResponse(p)))}authWithOAuth2(...e){if(e.length>1||typeof e?.[0]=="string")return console.warn("PocketBase: This form of authWithOAuth2() is deprecated and may get removed in the future. Please replace with authWithOAuth2Code() OR use the authWithOAuth2() realtime form as shown in https://pocketbase.io/docs/authentication/#oauth2-integration."),this.authWithOAuth2Code(e?.[0]||"",e?.[1]||"",e?.[2]||"",e?.[3]||"",e?.[4]||{},e?.[5]||{},e?.[6]||{});let t=e?.[0]||{},n=null;t.urlCallback||(n=qs(void 0));let o=new at(this.client);function r(){n?.close(),o.unsubscribe()}let a={},i=t.requestKey;return i&&(a.requestKey=i),this.listAuthMethods(a).then((l=>{let p=l.oauth2.providers.find((h=>h.name===t.provider));if(!p)throw new de(new Error(`Missing or invalid provider "${t.provider}".`));let d=this.client.buildURL("/api/oauth2-redirect");return new Promise((async(h,y)=>{let u=i?this.client.cancelControllers?.[i]:void 0;u&&(u.signal.onabort=()=>{r(),y(new de({isAbort:!0,message:"manually cancelled"}))}),o.onDisconnect=m=>{m.length&&y&&(r(),y(new de(new Error("realtime connection interrupted"))))};try{await o.subscribe("@oauth2",(async v=>{let f=o.clientId;try{if(!v.state||f!==v.state)throw new Error("State parameters don't match.");if(v.error||!v.code)throw new Error("OAuth2 redirect error or missing code: "+v.error);let b=Object.assign({},t);delete b.provider,delete b.scopes,delete b.createData,delete b.urlCallback,u?.signal?.onabort&&(u.signal.onabort=null);let _=await this.authWithOAuth2Code(p.name,v.code,p.codeVerifier,d,t.createData,b);h(_)}catch(b){y(new de(b))}r()}));let m={state:o.clientId};t.scopes?.length&&(m.scope=t.scopes.join(" "));let g=this._replaceQueryParams(p.authURL+d,m);await(t.urlCallback||function(v){n?n.location.href=v:n=qs(v)})(g)}catch(m){u?.signal?.onabort&&(u.signal.onabort=null),r(),y(new de(m))}}))})).catch((l=>{throw r(),l}))}async authRefresh(e,t){let n={method:"POST"};return n=ke("This form of authRefresh(body?, query?) is deprecated. Consider replacing it with authRefresh(options?).",n,e,t),this.client.send(this.baseCollectionPath+"/auth-refresh",n).then((o=>this.authResponse(o)))}async requestPasswordReset(e,t,n){let o={method:"POST",body:{email:e}};return o=ke("This form of requestPasswordReset(email, body?, query?) is deprecated. Consider replacing it with requestPasswordReset(email, options?).",o,t,n),this.client.send(this.baseCollectionPath+"/request-password-reset",o).then((()=>!0))}async confirmPasswordReset(e,t,n,o,r){let a={method:"POST",body:{token:e,password:t,passwordConfirm:n}};return a=ke("This form of confirmPasswordReset(token, password, passwordConfirm, body?, query?) is deprecated. Consider replacing it with confirmPasswordReset(token, password, passwordConfirm, options?).",a,o,r),this.client.send(this.baseCollectionPath+"/confirm-password-reset",a).then((()=>!0))}async requestVerification(e,t,n){let o={method:"POST",body:{email:e}};return o=ke("This form of requestVerification(email, body?, query?) is deprecated. Consider replacing it with requestVerification(email, options?).",o,t,n),this.client.send(this.baseCollectionPath+"/request-verification",o).then((()=>!0))}async confirmVerification(e,t,n){let o={method:"POST",body:{token:e}};return o=ke("This form of confirmVerification(token, body?, query?) is deprecated. Consider replacing it with confirmVerification(token, options?).",o,t,n),this.client.send(this.baseCollectionPath+"/confirm-verification",o).then((()=>{let r=Ne(e),a=this.client.authStore.record;return a&&!a.verified&&a.id===r.id&&a.collectionId===r.collectionId&&(a.verified=!0,this.client.authStore.save(this.client.authStore.token,a)),!0}))}async requestEmailChange(e,t,n){let o={method:"POST",body:{newEmail:e}};return o=ke("This form of requestEmailChange(newEmail, body?, query?) is deprecated. Consider replacing it with requestEmailChange(newEmail, options?).",o,t,n),this.client.send(this.baseCollectionPath+"/request-email-change",o).then((()=>!0))}async confirmEmailChange(e,t,n,o){let r={method:"POST",body:{token:e,password:t}};return r=ke("This form of confirmEmailChange(token, password, body?, query?) is deprecated. Consider replacing it with confirmEmailChange(token, password, options?).",r,n,o),this.client.send(this.baseCollectionPath+"/confirm-email-change",r).then((()=>{let a=Ne(e),i=this.client.authStore.record;return i&&i.id===a.id&&i.collectionId===a.collectionId&&this.client.authStore.clear(),!0}))}async listExternalAuths(e,t){return this.client.collection("_externalAuths").getFullList(Object.assign({},t,{filter:this.client.filter("recordRef = {:id}",{id:e})}))}async unlinkExternalAuth(e,t,n){let o=await this.client.collection("_externalAuths").getFirstListItem(this.client.filter("recordRef = {:recordId} && provider = {:provider}",{recordId:e,provider:t}));return this.client.collection("_externalAuths").delete(o.id,n).then((()=>!0))}async requestOTP(e,t){return t=Object.assign({method:"POST",body:{email:e}},t),this.client.send(this.baseCollectionPath+"/request-otp",t)}async authWithOTP(e,t,n){return n=Object.assign({method:"POST",body:{otpId:e,password:t}},n),this.client.send(this.baseCollectionPath+"/auth-with-otp",n).then((o=>this.authResponse(o)))}async impersonate(e,t,n){(n=Object.assign({method:"POST",body:{duration:t}},n)).headers=n.headers||{},n.headers.Authorization||(n.headers.Authorization=this.client.authStore.token);let o=new He(this.client.baseURL,new Be,this.client.lang),r=await o.send(this.baseCollectionPath+"/impersonate/"+encodeURIComponent(e),n);return o.authStore.save(r?.token,this.decode(r?.record||{})),o}_replaceQueryParams(e,t={}){let n=e,o="";e.indexOf("?")>=0&&(n=e.substring(0,e.indexOf("?")),o=e.substring(e.indexOf("?")+1));let r={},a=o.split("&");for(let i of a){if(i=="")continue;let l=i.split("=");r[decodeURIComponent(l[0].replace(/\+/g," "))]=decodeURIComponent((l[1]||"").replace(/\+/g," "))}for(let i in t)t.hasOwnProperty(i)&&(t[i]==null?delete r[i]:r[i]=t[i]);o="";for(let i in r)r.hasOwnProperty(i)&&(o!=""&&(o+="&"),o+=encodeURIComponent(i.replace(/%20/g,"+"))+"="+encodeURIComponent(r[i].replace(/%20/g,"+")));return o!=""?n+"?"+o:n}};function qs(s){if(typeof window>"u"||!window?.open)throw new de(new Error("Not in a browser context - please pass a custom urlCallback function."));let e=1024,t=768,n=window.innerWidth,o=window.innerHeight;e=e>n?n:e,t=t>o?o:t;let r=n/2-e/2,a=o/2-t/2;return window.open(s,"popup_window","width="+e+",height="+t+",top="+a+",left="+r+",resizable,menubar=no")}var Pt=class extends lt{get baseCrudPath(){return"/api/collections"}async import(e,t=!1,n){return n=Object.assign({method:"PUT",body:{collections:e,deleteMissing:t}},n),this.client.send(this.baseCrudPath+"/import",n).then((()=>!0))}async truncate(e,t){return t=Object.assign({method:"DELETE"},t),this.client.send(this.baseCrudPath+"/"+encodeURIComponent(e)+"/truncate",t).then((()=>!0))}async getScaffolds(e){return e=Object.assign({method:"GET"},e),this.client.send(this.baseCrudPath+"/meta/scaffolds",e)}async getAllOAuth2Providers(e){return e=Object.assign({method:"GET"},e),this.client.send(this.baseCrudPath+"/meta/oauth2-providers",e)}async dryRunViewQuery(e,t){return t=Object.assign({method:"POST",body:{query:e}},t),this.client.send(this.baseCrudPath+"/meta/dry-run-view",t)}},At=class extends pe{async getList(e=1,t=30,n){return(n=Object.assign({method:"GET"},n)).query=Object.assign({page:e,perPage:t},n.query),this.client.send("/api/logs",n)}async getOne(e,t){if(!e)throw new de({url:this.client.buildURL("/api/logs/"),status:404,response:{code:404,message:"Missing required log id.",data:{}}});return t=Object.assign({method:"GET"},t),this.client.send("/api/logs/"+encodeURIComponent(e),t)}async getStats(e){return e=Object.assign({method:"GET"},e),this.client.send("/api/logs/stats",e)}async truncate(e){return e=Object.assign({method:"DELETE"},e),this.client.send("/api/logs",e).then((()=>!0))}},Nt=class extends pe{async check(e){return e=Object.assign({method:"GET"},e),this.client.send("/api/health",e)}},qt=class extends pe{getUrl(e,t,n={}){return console.warn("Please replace pb.files.getUrl() with pb.files.getURL()"),this.getURL(e,t,n)}getURL(e,t,n={}){if(!t||!e?.id||!e?.collectionId&&!e?.collectionName)return"";let o=[];o.push("api"),o.push("files"),o.push(encodeURIComponent(e.collectionId||e.collectionName)),o.push(encodeURIComponent(e.id)),o.push(encodeURIComponent(t));let r=this.client.buildURL(o.join("/"));n.download===!1&&delete n.download;let a=Kt(n);return a&&(r+=(r.includes("?")?"&":"?")+a),r}async getToken(e){return e=Object.assign({method:"POST"},e),this.client.send("/api/files/token",e).then((t=>t?.token||""))}},jt=class extends pe{async getFullList(e){return e=Object.assign({method:"GET"},e),this.client.send("/api/backups",e)}async create(e,t){return t=Object.assign({method:"POST",body:{name:e}},t),this.client.send("/api/backups",t).then((()=>!0))}async upload(e,t){return t=Object.assign({method:"POST",body:e},t),this.client.send("/api/backups/upload",t).then((()=>!0))}async delete(e,t){return t=Object.assign({method:"DELETE"},t),this.client.send(`/api/backups/${encodeURIComponent(e)}`,t).then((()=>!0))}async restore(e,t){return t=Object.assign({method:"POST"},t),this.client.send(`/api/backups/${encodeURIComponent(e)}/restore`,t).then((()=>!0))}getDownloadUrl(e,t){return console.warn("Please replace pb.backups.getDownloadUrl() with pb.backups.getDownloadURL()"),this.getDownloadURL(e,t)}getDownloadURL(e,t){return this.client.buildURL(`/api/backups/${encodeURIComponent(t)}?token=${encodeURIComponent(e)}`)}},Dt=class extends pe{async getFullList(e){return e=Object.assign({method:"GET"},e),this.client.send("/api/crons",e)}async run(e,t){return t=Object.assign({method:"POST"},t),this.client.send(`/api/crons/${encodeURIComponent(e)}`,t).then((()=>!0))}},Ut=class extends pe{async run(e,t){return t=Object.assign({method:"POST",body:{query:e}},t),this.client.send("/api/sql",t)}};function Ft(s){return typeof Blob<"u"&&s instanceof Blob||typeof File<"u"&&s instanceof File||s!==null&&typeof s=="object"&&s.uri&&(typeof navigator<"u"&&navigator.product==="ReactNative"||typeof global<"u"&&global.HermesInternal)}function Mt(s){return s&&(s.constructor?.name==="FormData"||typeof FormData<"u"&&s instanceof FormData)}function js(s){for(let e in s){let t=Array.isArray(s[e])?s[e]:[s[e]];for(let n of t)if(Ft(n))return!0}return!1}var co=/^[\-\.\d]+$/;function Ds(s){if(typeof s!="string")return s;if(s=="true")return!0;if(s=="false")return!1;if((s[0]==="-"||s[0]>="0"&&s[0]<="9")&&co.test(s)){let e=+s;if(""+e===s)return e}return s}var Bt=class extends pe{constructor(){super(...arguments),this.requests=[],this.subs={}}collection(e){return this.subs[e]||(this.subs[e]=new zt(this.requests,e)),this.subs[e]}async send(e){let t=new FormData,n=[];for(let o=0;o<this.requests.length;o++){let r=this.requests[o];if(n.push({method:r.method,url:r.url,headers:r.headers,body:r.json}),r.files)for(let a in r.files){let i=r.files[a]||[];for(let l of i)t.append("requests."+o+"."+a,l)}}return t.append("@jsonPayload",JSON.stringify({requests:n})),e=Object.assign({method:"POST",body:t},e),this.client.send("/api/batch",e)}},zt=class{constructor(e,t){this.requests=[],this.requests=e,this.collectionIdOrName=t}upsert(e,t){t=Object.assign({body:e||{}},t);let n={method:"PUT",url:"/api/collections/"+encodeURIComponent(this.collectionIdOrName)+"/records"};this.prepareRequest(n,t),this.requests.push(n)}create(e,t){t=Object.assign({body:e||{}},t);let n={method:"POST",url:"/api/collections/"+encodeURIComponent(this.collectionIdOrName)+"/records"};this.prepareRequest(n,t),this.requests.push(n)}update(e,t,n){n=Object.assign({body:t||{}},n);let o={method:"PATCH",url:"/api/collections/"+encodeURIComponent(this.collectionIdOrName)+"/records/"+encodeURIComponent(e)};this.prepareRequest(o,n),this.requests.push(o)}delete(e,t){t=Object.assign({},t);let n={method:"DELETE",url:"/api/collections/"+encodeURIComponent(this.collectionIdOrName)+"/records/"+encodeURIComponent(e)};this.prepareRequest(n,t),this.requests.push(n)}prepareRequest(e,t){if(Ht(t),e.headers=t.headers,e.json={},e.files={},t.query!==void 0){let o=Kt(t.query);o&&(e.url+=(e.url.includes("?")?"&":"?")+o)}let n=t.body;Mt(n)&&(n=(function(r){let a={};return r.forEach(((i,l)=>{if(l==="@jsonPayload"&&typeof i=="string")try{let p=JSON.parse(i);Object.assign(a,p)}catch(p){console.warn("@jsonPayload error:",p)}else a[l]!==void 0?(Array.isArray(a[l])||(a[l]=[a[l]]),a[l].push(Ds(i))):a[l]=Ds(i)})),a})(n));for(let o in n){let r=n[o];if(Ft(r))e.files[o]=e.files[o]||[],e.files[o].push(r);else if(Array.isArray(r)){let a=[],i=[];for(let l of r)Ft(l)?a.push(l):i.push(l);if(a.length>0&&a.length==r.length){e.files[o]=e.files[o]||[];for(let l of a)e.files[o].push(l)}else if(e.json[o]=i,a.length>0){let l=o;o.startsWith("+")||o.endsWith("+")||(l+="+"),e.files[l]=e.files[l]||[];for(let p of a)e.files[l].push(p)}}else e.json[o]=r}}};RegExp.escape||(RegExp.escape=function(s){return s.replace(/[/\-\\^$*+?.()|[\]{}]/g,"\\$&")});var He=class{get baseUrl(){return this.baseURL}set baseUrl(e){this.baseURL=e}constructor(e="/",t,n="en-US"){this.cancelControllers={},this.recordServices={},this.enableAutoCancellation=!0,this.baseURL=e,this.lang=n,t?this.authStore=t:typeof window<"u"&&window.Deno?this.authStore=new Be:this.authStore=new ze,this.collections=new Pt(this),this.files=new qt(this),this.logs=new At(this),this.settings=new Et(this),this.realtime=new at(this),this.health=new Nt(this),this.backups=new jt(this),this.crons=new Dt(this),this.sql=new Ut(this)}get admins(){return this.collection("_superusers")}createBatch(){return new Bt(this)}collection(e){return this.recordServices[e]||(this.recordServices[e]=new Lt(this,e)),this.recordServices[e]}autoCancellation(e){return this.enableAutoCancellation=!!e,this}cancelRequest(e){return this.cancelControllers[e]&&(this.cancelControllers[e].abort(),delete this.cancelControllers[e]),this}cancelAllRequests(){for(let e in this.cancelControllers)this.cancelControllers[e].abort();return this.cancelControllers={},this}filter(e,t){if(!t)return e;let n={};for(let r in t)n["{:"+r+"}"]=t[r];let o=Object.keys(n).map((r=>RegExp.escape(r))).join("|");return o?e.replace(new RegExp(o,"g"),(r=>(function(i){switch(typeof i){case"boolean":case"number":return""+i;case"string":return JSON.stringify(i);default:if(i==null)return"null";if(i instanceof Date)return JSON.stringify(i.toISOString().replace("T"," "));let l=JSON.stringify(i);return l.startsWith("[")||l.startsWith("{")?JSON.stringify(l):l}})(n[r]))):e}getFileUrl(e,t,n={}){return console.warn("Please replace pb.getFileUrl() with pb.files.getURL()"),this.files.getURL(e,t,n)}buildUrl(e){return console.warn("Please replace pb.buildUrl() with pb.buildURL()"),this.buildURL(e)}buildURL(e){let t=this.baseURL;return typeof window>"u"||!window.location||t.startsWith("https://")||t.startsWith("http://")||(t=window.location.origin?.endsWith("/")?window.location.origin.substring(0,window.location.origin.length-1):window.location.origin||"",this.baseURL.startsWith("/")||(t+=window.location.pathname||"/",t+=t.endsWith("/")?"":"/"),t+=this.baseURL),e&&(t+=t.endsWith("/")?"":"/",t+=e.startsWith("/")?e.substring(1):e),t}async send(e,t){t=this.initSendOptions(e,t);let n=this.buildURL(e);if(this.beforeSend){let o=Object.assign({},await this.beforeSend(n,t));o.url!==void 0||o.options!==void 0?(n=o.url||n,t=o.options||t):Object.keys(o).length&&(t=o,console?.warn&&console.warn("Deprecated format of beforeSend return: please use `return { url, options }`, instead of `return options`."))}if(t.query!==void 0){let o=Kt(t.query);o&&(n+=(n.includes("?")?"&":"?")+o),delete t.query}return this.getHeader(t.headers,"Content-Type")=="application/json"&&t.body&&typeof t.body!="string"&&(t.body=JSON.stringify(t.body)),(t.fetch||fetch)(n,t).then((async o=>{let r={};try{r=await o.json()}catch(a){if(t.signal?.aborted||a?.name=="AbortError"||a?.message=="Aborted")throw a}if(this.afterSend&&(r=await this.afterSend(o,r,t)),o.status>=400)throw new de({url:o.url,status:o.status,data:r});return r})).catch((o=>{throw new de(o)}))}initSendOptions(e,t){if((t=Object.assign({method:"GET"},t)).body=(function(o){if(typeof FormData>"u"||o===void 0||typeof o!="object"||o===null||Mt(o)||!js(o))return o;let r=new FormData;for(let a in o){let i=o[a];if(i!==void 0)if(typeof i!="object"||js({data:i})){let l=Array.isArray(i)?i:[i];for(let p of l)r.append(a,p)}else{let l={};l[a]=i,r.append("@jsonPayload",JSON.stringify(l))}}return r})(t.body),Ht(t),t.query=Object.assign({},t.params,t.query),t.requestKey===void 0&&(t.$autoCancel===!1||t.query.$autoCancel===!1?t.requestKey=null:(t.$cancelKey||t.query.$cancelKey)&&(t.requestKey=t.$cancelKey||t.query.$cancelKey)),delete t.$autoCancel,delete t.query.$autoCancel,delete t.$cancelKey,delete t.query.$cancelKey,this.getHeader(t.headers,"Content-Type")!==null||Mt(t.body)||(t.headers=Object.assign({},t.headers,{"Content-Type":"application/json"})),this.getHeader(t.headers,"Accept-Language")===null&&(t.headers=Object.assign({},t.headers,{"Accept-Language":this.lang})),this.authStore.token&&this.getHeader(t.headers,"Authorization")===null&&(t.headers=Object.assign({},t.headers,{Authorization:this.authStore.token})),this.enableAutoCancellation&&t.requestKey!==null){let n=t.requestKey||(t.method||"GET")+e;delete t.requestKey,this.cancelRequest(n);let o=new AbortController;this.cancelControllers[n]=o,t.signal=o.signal}return t}getHeader(e,t){e=e||{},t=t.toLowerCase();for(let n in e)if(n.toLowerCase()==t)return e[n];return null}};var C=new He(location.origin,new ze("galley_dashboard_auth"));C.autoCancellation(!1);var ge=Ae({user:Ms(),expired:!1});function Ms(){return C.authStore.isValid&&C.authStore.isSuperuser?C.authStore.record:null}C.authStore.onChange(()=>{let s=Ms();ge.set(e=>({user:s||(e.expired?e.user:null),expired:s?!1:e.expired}))});var uo=/\/(auth-with-password|auth-with-otp|request-otp|install|auth-methods)(\?|$)/;C.afterSend=(s,e,t)=>{let n=t?.headers?.Authorization||t?.headers?.authorization||"";return s.status===401&&ge.get().user&&!uo.test(s.url)&&n&&n===C.authStore.token&&ge.set(o=>({...o,expired:!0})),e};function qe(){C.authStore.clear(),ge.set({user:null,expired:!1})}async function Bs(){if(C.authStore.token){if(!C.authStore.isValid||!C.authStore.isSuperuser){qe();return}try{await C.collection("_superusers").authRefresh()}catch(s){(s.status===401||s.status===403||s.status===404)&&qe()}}}var Wt=[],Jt=[];function Q(s,e,t={}){Wt.push({pattern:s,parts:Ks(s),component:e,priority:t.priority??0,...t}),Wt.sort((n,o)=>o.priority-n.priority)}function ye(s){Jt.push(s),Jt.sort((e,t)=>(e.order??100)-(t.order??100))}function Hs(){return Jt}function Ks(s){return s.split("/").filter(Boolean)}function zs(s){let e=(s||"").replace(/^#/,"")||"/",[t,n=""]=e.split("?");return{path:t||"/",query:Object.fromEntries(new URLSearchParams(n))}}function Ws(s){let e=Ks(s);for(let t of Wt){if(t.parts.length!==e.length)continue;let n={},o=!0;for(let r=0;r<e.length&&o;r++){let a=t.parts[r];a.startsWith(":")?n[a.slice(1)]=decodeURIComponent(e[r]):o=a===e[r]}if(o)return{route:t,params:n}}return null}function me(s,{replace:e=!1}={}){e?(history.replaceState(null,"",s),window.dispatchEvent(new HashChangeEvent("hashchange"))):location.hash=s.replace(/^#/,"")}function Js(){let[s,e]=$(()=>zs(location.hash));return L(()=>{let t=()=>e(zs(location.hash));return window.addEventListener("hashchange",t),()=>window.removeEventListener("hashchange",t)},[]),s}function j(s){if(!s)return{message:"",fields:{},status:0};let e=s.response||{},t={};Vs(e.data||s.data?.data||{},"",t);let n=e.message||s.message||String(s);return(s.status===0||s.isAbort)&&(n="Galley could not be reached. Is the server running?"),{message:n,fields:t,status:s.status??0}}function Vs(s,e,t){if(!(!s||typeof s!="object")){if(typeof s.message=="string"&&typeof s.code=="string"){t[e]=s.message;return}for(let[n,o]of Object.entries(s))Vs(o,e?`${e}.${n}`:n,t)}}function Gs(s,e){let t={},n=e+".";for(let[o,r]of Object.entries(s||{}))o.startsWith(n)&&(t[o.slice(n.length)]=r);return t}function ct(s,e){let t=0;for(let n of Object.keys(s||{}))e.some(o=>n===o||n.startsWith(o+"."))&&t++;return t}function Ke(s,e,t){return[e&&`${s}-hint`,t&&`${s}-err`].filter(Boolean).join(" ")||void 0}function he({id:s,hint:e,error:t}){return c`
    ${e&&c`<p class="hint" id=${`${s}-hint`}>${e}</p>`}
    ${t&&c`<p class="field-error" id=${`${s}-err`} role="alert">${t}</p>`}
  `}function A({label:s,value:e,onInput:t,error:n,hint:o,rows:r,class:a,inputRef:i,mono:l,...p}){let d=H(),h={id:d,value:e??"",onInput:y=>t?.(y.currentTarget.value),"aria-invalid":n?"true":void 0,"aria-describedby":Ke(d,o,n),class:l?"mono":void 0,ref:i,...p};return c`
    <div class=${`field ${a||""}`}>
      <label for=${d}>${s}</label>
      ${r?c`<textarea rows=${r} spellcheck=${!1} ...${h}></textarea>`:c`<input type="text" ...${h} />`}
      <${he} id=${d} hint=${o} error=${n} />
    </div>
  `}function ne({label:s,value:e,onChange:t,error:n,hint:o,class:r,...a}){let i=H();return c`
    <div class=${`field ${r||""}`}>
      <label for=${i}>${s}</label>
      <input
        id=${i}
        type="number"
        inputmode="decimal"
        value=${e??""}
        onInput=${l=>{let p=l.currentTarget.value;t?.(p===""?null:Number(p))}}
        aria-invalid=${n?"true":void 0}
        aria-describedby=${Ke(i,o,n)}
        ...${a}
      />
      <${he} id=${i} hint=${o} error=${n} />
    </div>
  `}function z({label:s,checked:e,onChange:t,hint:n,error:o,class:r,...a}){let i=H();return c`
    <div class=${`check ${r||""}`}>
      <input
        id=${i}
        type="checkbox"
        checked=${!!e}
        onChange=${l=>t?.(l.currentTarget.checked)}
        aria-invalid=${o?"true":void 0}
        aria-describedby=${Ke(i,n,o)}
        ...${a}
      />
      <label for=${i}>${s}</label>
      <${he} id=${i} hint=${n} error=${o} />
    </div>
  `}function se({label:s,value:e,onChange:t,options:n,error:o,hint:r,class:a,...i}){let l=H();return c`
    <div class=${`field ${a||""}`}>
      <label for=${l}>${s}</label>
      <select
        id=${l}
        value=${e??""}
        onChange=${p=>t?.(p.currentTarget.value)}
        aria-invalid=${o?"true":void 0}
        aria-describedby=${Ke(l,r,o)}
        ...${i}
      >
        ${n.map(p=>{let d=typeof p=="string"?{value:p,label:p}:p;return c`<option value=${d.value} disabled=${d.disabled}>${d.label}</option>`})}
      </select>
      <${he} id=${l} hint=${r} error=${o} />
    </div>
  `}var Qs=s=>s.split(/[,\n]/).map(e=>e.trim()).filter(Boolean);function dt({label:s,value:e,onChange:t,error:n,hint:o,class:r,...a}){let i=H(),l=e||[],[p,d]=$(l.join(", "));return L(()=>{Qs(p).join(`
`)!==l.join(`
`)&&d(l.join(", "))},[l.join(`
`)]),c`
    <div class=${`field ${r||""}`}>
      <label for=${i}>${s}</label>
      <input
        id=${i}
        type="text"
        value=${p}
        onInput=${h=>{d(h.currentTarget.value),t?.(Qs(h.currentTarget.value))}}
        aria-invalid=${n?"true":void 0}
        aria-describedby=${Ke(i,o||"Separate values with commas.",n)}
        ...${a}
      />
      <${he} id=${i} hint=${o||"Separate values with commas."} error=${n} />
    </div>
  `}function oe({message:s}){return s?c`<div class="form-error" role="alert">${s}</div>`:null}function ut(){let s=J(null);return L(()=>s.current?.focus(),[]),s}var Vt=()=>C.collection("_superusers");function Ys({email:s="",onDone:e,submitLabel:t="Log in"}){let[n,o]=$(s),[r,a]=$(""),[i,l]=$(""),[p,d]=$(null),[h,y]=$(""),[u,m]=$(!1),[g,w]=$({message:"",fields:{}}),v=ut(),f=D=>{let N=j(D);!Object.keys(N.fields).length&&(N.status===400||N.status===401)&&(N.fields=p?{otp:N.message}:{password:N.message},N.message=""),w(N)},b=async D=>{let N=await Vt().requestOTP(n);d({otpId:N.otpId}),y(D||""),l(""),w({message:"",fields:{}})},_=async D=>{D.preventDefault(),m(!0);try{p?await Vt().authWithOTP(p.otpId,i.trim(),h?{mfaId:h}:{}):await Vt().authWithPassword(n,r,h?{mfaId:h}:{}),e?.()}catch(N){let R=N?.response?.mfaId;if(N.status===401&&R)try{p?(d(null),y(R),w({message:"Now enter your password (multi-factor authentication).",fields:{}})):await b(R)}catch(U){f(U)}else f(N)}finally{m(!1)}},S=async()=>{if(!n){w({message:"",fields:{email:"Enter your email first."}});return}m(!0);try{await b(h)}catch(D){f(D)}finally{m(!1)}},E=g.fields;return c`
    <form onSubmit=${_} novalidate>
      ${p?c`
            <p>We sent a one-time code to <strong>${n}</strong>.</p>
            <${A}
              label="One-time code"
              value=${i}
              onInput=${l}
              error=${E.otp||E.password}
              autocomplete="one-time-code"
              inputmode="numeric"
              required
              inputRef=${v}
            />
          `:c`
            <${A} label="Email" type="email" value=${n} onInput=${o} error=${E.identity||E.email}
              autocomplete="username" required inputRef=${s?void 0:v} autofocus=${!s} />
            <${A} label="Password" type="password" value=${r} onInput=${a} error=${E.password}
              autocomplete="current-password" required inputRef=${s?v:void 0} autofocus=${!!s} />
          `}
      <${oe} message=${g.message} />
      <div class="actions">
        <button class="btn primary" type="submit" disabled=${u}>${u?"Checking…":p?"Verify code":t}</button>
        ${!p&&!h&&c`<button class="btn link" type="button" onClick=${S} disabled=${u}>Email me a one-time code instead</button>`}
        ${p&&c`<button class="btn link" type="button" onClick=${()=>b(h).catch(f)} disabled=${u}>Send a new code</button>`}
      </div>
    </form>
  `}function pt(){return c`
    <main class="center" id="main-content" tabindex="-1">
      <div class="card narrow">
        <div class="brand big">Galley</div>
        <h1>Log in</h1>
        <p class="muted">Superusers manage collections, records and settings here.</p>
        <${Ys} />
        <p class="muted small">
          First start? <code>galley serve</code> printed a link to create the first superuser
          (<a href="#/install">enter the install token</a>), or run <code>galley superuser upsert EMAIL PASSWORD</code>.
        </p>
      </div>
    </main>
  `}function Xs({email:s}){return c`
    <div class="card narrow">
      <p>Your session has ended. Log in again to go on: what you typed is kept.</p>
      <${Ys} email=${s} submitLabel="Log in again" />
      <button class="btn link" type="button" onClick=${qe}>Log out instead</button>
    </div>
  `}function Zs({query:s}){let[e,t]=$(s.token||""),[n,o]=$(""),[r,a]=$(""),[i,l]=$(""),[p,d]=$(!1),[h,y]=$({message:"",fields:{}}),u=ut(),m=async w=>{if(w.preventDefault(),r!==i){y({message:"",fields:{passwordConfirm:"The passwords do not match."}});return}d(!0);try{let v=await C.send("/api/install",{method:"POST",body:{token:e.trim(),email:n,password:r}});v?.token?C.authStore.save(v.token,v.record):await C.collection("_superusers").authWithPassword(n,r),me("#/collections",{replace:!0})}catch(v){let f=j(v);f.status===403&&(f.fields={token:f.message},f.message=""),y(f)}finally{d(!1)}},g=h.fields;return c`
    <main class="center" id="main-content" tabindex="-1">
      <div class="card narrow">
        <div class="brand big">Galley</div>
        <h1>Create the first superuser</h1>
        <p class="muted">
          Superusers manage collections, records and settings. The install token is in the link
          <code>galley serve</code> printed; it works once, until the server stops.
        </p>
        <form onSubmit=${m} novalidate>
          <${A} label="Install token" value=${e} onInput=${t} error=${g.token} autocomplete="off" required
            inputRef=${s.token?void 0:u} mono />
          <${A} label="Email" type="email" value=${n} onInput=${o} error=${g.email} autocomplete="username" required
            inputRef=${s.token?u:void 0} />
          <${A} label="Password" type="password" value=${r} onInput=${a} error=${g.password}
            hint="At least 8 characters." autocomplete="new-password" required />
          <${A} label="Confirm password" type="password" value=${i} onInput=${l} error=${g.passwordConfirm}
            autocomplete="new-password" required />
          <${oe} message=${h.message} />
          <div class="actions">
            <button class="btn primary" type="submit" disabled=${p}>${p?"Creating…":"Create superuser and log in"}</button>
            <a class="btn link" href="#/login">I already have an account</a>
          </div>
        </form>
      </div>
    </main>
  `}var ae=Ae({items:[],loaded:!1,error:null}),We=null;function re(){return We||(We=C.collections.getFullList({perPage:500,sort:"name"}).then(s=>ae.set({items:s,loaded:!0,error:null})).catch(s=>ae.set(e=>({...e,error:s}))).finally(()=>{We=null}),We)}function ue(s){return s.system||s.name.startsWith("_")}var po=s=>{let e=s.type==="view"?["listRule","viewRule"]:["listRule","viewRule","createRule","updateRule","deleteRule"],t=e.filter(r=>s[r]==="").length,n=e.filter(r=>s[r]===null||s[r]===void 0).length,o=e.length-t-n;return[t&&`${t} public`,o&&`${o} by rule`,n&&`${n} superusers only`].filter(Boolean).join(", ")};function en(){let{items:s,loaded:e,error:t}=Z(ae);L(()=>{re()},[]);let n=s.filter(a=>!ue(a)),o=s.filter(ue),r=a=>c`<tr key=${a.id}>
    <th scope="row"><a href=${`#/collections/${a.id}/edit`}>${a.name}</a>${ue(a)&&c` <span class="badge">system</span>`}</th>
    <td><span class=${`badge t-${a.type}`}>${a.type}</span></td>
    <td>${a.type==="view"?"from query":(a.fields||[]).length}</td>
    <td class="muted">${po(a)}</td>
  </tr>`;return c`
    <div class="page">
      <div class="page-head">
        <h1 tabindex="-1">Collections</h1>
        <div class="actions">
          <a class="btn" href="#/collections/import">Import</a>
          <a class="btn" href="#/collections/export">Export</a>
          <a class="btn primary" href="#/collections/new">New collection</a>
        </div>
      </div>
      ${t&&c`<p class="field-error" role="alert">Could not load the collections. <button class="btn link" onClick=${re}>Retry</button></p>`}
      ${e&&n.length===0&&c`<div class="empty">
        <h2>No collections yet</h2>
        <p>A collection is a table with an API: records, fields and rules. Start with an auth collection for your users, or a base collection for your data.</p>
        <p>
          <a class="btn primary" href="#/collections/new?type=auth">New auth collection</a>
          <a class="btn" href="#/collections/new?type=base">New base collection</a>
        </p>
      </div>`}
      ${!e&&!t&&c`<p role="status">Loading…</p>`}
      ${e&&c`<div class="table-wrap">
        <table class="list">
          <caption class="sr-only">All collections</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Fields</th><th scope="col">API access</th></tr></thead>
          <tbody>${n.map(r)}${o.map(r)}</tbody>
        </table>
      </div>`}
    </div>
  `}var Gt="galley.draft.";function tn(s){try{let e=sessionStorage.getItem(Gt+s);return e?JSON.parse(e):null}catch{return null}}function sn(s,e){try{sessionStorage.setItem(Gt+s,JSON.stringify(e))}catch{}}function Oe(s){try{sessionStorage.removeItem(Gt+s)}catch{}}function Ie({open:s,title:e,onClose:t,children:n,wide:o}){let r=J(null),a=H();return L(()=>{let i=r.current;i&&(s&&!i.open&&i.showModal(),!s&&i.open&&i.close())},[s]),c`
    <dialog ref=${r} class=${o?"wide":""} aria-labelledby=${a} onCancel=${i=>{i.preventDefault(),t?.()}}>
      ${s&&c`<h2 id=${a}>${e}</h2>${n}`}
    </dialog>
  `}function le({open:s,title:e,confirmLabel:t="Confirm",danger:n,onConfirm:o,onCancel:r,busy:a,children:i}){return c`
    <${Ie} open=${s} title=${e} onClose=${r}>
      <div class="dialog-body">${i}</div>
      <div class="actions">
        <button type="button" class="btn" onClick=${r} autofocus>Cancel</button>
        <button type="button" class=${`btn ${n?"danger":"primary"}`} disabled=${a} onClick=${o}>${t}</button>
      </div>
    <//>
  `}var Qt=Ae([]),mo=1;function B(s,e="ok"){let t=mo++;Qt.set(n=>[...n,{id:t,text:s,kind:e}]),setTimeout(()=>Qt.set(n=>n.filter(o=>o.id!==t)),e==="error"?8e3:4e3)}function mt(){let s=Z(Qt);return c`
    <div class="toasts" role="status" aria-live="polite">
      ${s.map(e=>c`<div key=${e.id} class=${`toast ${e.kind}`}>${e.text}</div>`)}
    </div>
  `}var Yt=[["text","Plain text"],["editor","Rich text"],["number","Number"],["bool","Bool"],["email","Email"],["url","URL"],["date","Date and time"],["autodate","Autodate (set on create/update)"],["select","Select (one or more values)"],["file","File"],["relation","Relation (to records of a collection)"],["json","JSON"],["geoPoint","Geo point"],["password","Password"]],nn=Object.fromEntries(Yt),Xt=[["listRule","List/Search rule","list and search records"],["viewRule","View rule","view a record"],["createRule","Create rule","create records"],["updateRule","Update rule","update records"],["deleteRule","Delete rule","delete records"]],on=[["authRule","Auth rule","log in (checked after the credentials)"],["manageRule","Manage rule","change other records' email, password and verified flag"]],ho=0,rn=()=>`k${++ho}`;function Ee(s){return{...s,fields:(s.fields||[]).map(e=>({...e,_key:e._key||e.id||rn()}))}}function an(s){return{...{name:"",type:s,system:!1,hidden:!1,presentable:!1,required:!1,_key:rn()},...{text:{min:0,max:0,pattern:"",autogeneratePattern:""},password:{min:8,max:0,pattern:"",cost:0},number:{min:null,max:null,onlyInt:!1},email:{exceptDomains:[],onlyDomains:[]},url:{exceptDomains:[],onlyDomains:[]},editor:{maxSize:0,convertURLs:!1},date:{min:"",max:""},autodate:{onCreate:!0,onUpdate:!1},select:{values:[],maxSelect:1},json:{maxSize:0},relation:{collectionId:"",cascadeDelete:!1,minSelect:0,maxSelect:1},file:{maxSelect:1,maxSize:0,mimeTypes:[],thumbs:[],protected:!1}}[s]||{}}}function ht(s){let e={};for(let[t,n]of Object.entries(s))t.startsWith("_")||t==="created"||t==="updated"||(e[t]=n);return e.fields=(s.fields||[]).map(t=>{let n={};for(let[o,r]of Object.entries(t))!o.startsWith("_")&&!(o==="id"&&!r)&&(n[o]=r);return n}),e.indexes=s.indexes||[],s.type==="view"&&delete e.indexes,e}function Zt(s,e){if(!s?.id)return[];let t=[];if(s.name!==e.name&&t.push({kind:"rename",text:`The collection “${s.name}” is renamed to “${e.name}”: API URLs, rules and @collection.${s.name} references elsewhere must change.`}),s.type==="view")return s.viewQuery!==e.viewQuery&&t.push({kind:"query",text:"The view query changes: the view’s fields are derived again from it."}),t;let n=new Map(e.fields.filter(r=>r.id).map(r=>[r.id,r]));for(let r of s.fields||[]){let a=n.get(r.id);if(!a){t.push({kind:"delete",text:`The field “${r.name}” (${r.type}) is deleted, with its data in every record.`});continue}if(a.name!==r.name&&t.push({kind:"rename",text:`The field “${r.name}” is renamed to “${a.name}”: clients, rules and filters that use “${r.name}” must change.`}),["select","relation","file"].includes(r.type)&&r.maxSelect>1&&a.maxSelect<=1&&t.push({kind:"delete",text:`The field “${a.name}” goes from several values to one: records that have more keep only one.`}),r.type==="select"){let i=(r.values||[]).filter(l=>!(a.values||[]).includes(l));i.length&&t.push({kind:"delete",text:`The field “${a.name}” no longer allows ${i.map(l=>`“${l}”`).join(", ")}: records that hold them keep values the field no longer accepts.`})}}let o=(s.indexes||[]).filter(r=>!(e.indexes||[]).includes(r));return o.length&&t.push({kind:"index",text:`${o.length} index${o.length>1?"es are":" is"} dropped or changed.`}),t}function fo({f:s,set:e,err:t,all:n,selfId:o}){let r=(d,h,y)=>c`<${ne} label=${h} value=${s[d]} onChange=${u=>e({[d]:u??0})} error=${t[d]} hint=${y} min="0" />`,a=(d,h)=>c`<${ne} label=${h} value=${s[d]} onChange=${y=>e({[d]:y})} error=${t[d]} hint="Empty: no bound." />`,i=(d,h,y)=>c`<${A} label=${h} value=${s[d]} onInput=${u=>e({[d]:u})} error=${t[d]} hint=${y} mono />`,l=(d,h,y)=>c`<${dt} label=${h} value=${s[d]} onChange=${u=>e({[d]:u})} error=${t[d]} hint=${y} />`,p=(d,h,y)=>c`<${z} label=${h} checked=${s[d]} onChange=${u=>e({[d]:u})} error=${t[d]} hint=${y} />`;switch(s.type){case"text":return c`<div class="grid">
        ${r("min","Min length","0: no minimum.")} ${r("max","Max length","0: the default (5000).")}
        ${i("pattern","Pattern","A regular expression values must match.")}
        ${i("autogeneratePattern","Autogenerate pattern","Fills empty values, e.g. [a-z0-9]{8}.")}
      </div>`;case"password":return c`<div class="grid">
        ${r("min","Min length")} ${r("max","Max length","0: 71 bytes (bcrypt).")}
        ${i("pattern","Pattern")} ${r("cost","bcrypt cost","0: the default (10).")}
      </div>`;case"number":return c`<div class="grid">${a("min","Min")} ${a("max","Max")} ${p("onlyInt","Integers only")}</div>`;case"email":case"url":return c`<div class="grid">
        ${l("onlyDomains","Only domains","Allow only these domains (comma-separated).")}
        ${l("exceptDomains","Except domains","Refuse these domains (comma-separated).")}
      </div>`;case"editor":return c`<div class="grid">${r("maxSize","Max size (bytes)","0: the default.")} ${p("convertURLs","Convert URLs to relative")}</div>`;case"date":return c`<div class="grid">
        ${i("min","Earliest","e.g. 2024-01-01 00:00:00.000Z; empty: none.")} ${i("max","Latest","Empty: none.")}
      </div>`;case"autodate":return c`<div class="grid">${p("onCreate","Set on create")} ${p("onUpdate","Set on update")}</div>`;case"select":return c`<div class="grid">
        ${l("values","Values","The allowed values, comma-separated.")}
        ${r("maxSelect","Max selected","1: one value; more: a list.")}
      </div>`;case"json":return c`<div class="grid">${r("maxSize","Max size (bytes)","0: 1 MiB.")}</div>`;case"relation":{let d=n;return c`<div class="grid">
        <${se}
          label="Related collection"
          value=${s.collectionId}
          onChange=${h=>e({collectionId:h})}
          error=${t.collectionId}
          options=${[{value:"",label:"Choose a collection…"},...d.map(h=>({value:h.id,label:`${h.name} (${h.type})`}))]}
        />
        ${r("minSelect","Min selected")} ${r("maxSelect","Max selected","1: one record; more: a list.")}
        ${p("cascadeDelete","Cascade delete","Deleting the related record deletes this one.")}
      </div>`}case"file":return c`<div class="grid">
        ${r("maxSelect","Max files","1: one file; more: a list.")} ${r("maxSize","Max size (bytes)","0: 5 MiB.")}
        ${l("mimeTypes","MIME types","e.g. image/png, image/jpeg; empty: any.")}
        ${l("thumbs","Thumb sizes","e.g. 100x100, 0x300, 200x200t.")}
        ${p("protected","Protected","Files need a file token whose record passes the view rule.")}
      </div>`;default:return null}}function bo({f:s,index:e,count:t,set:n,remove:o,move:r,err:a,all:i,selfId:l,isNew:p,focusRef:d}){let[h,y]=$(p),u=H(),m=a,g=Object.keys(m).some(v=>v!=="name");L(()=>{g&&y(!0)},[g]);let w=`Field ${e+1}: ${s.name||"new field"} (${s.type})`;return c`
    <fieldset class=${`field-card ${s.system?"system":""}`}>
      <legend class="sr-only">${w}</legend>
      <div class="field-row">
        <span class=${`type-badge t-${s.type}`} title=${nn[s.type]}>${s.type}</span>
        <${A}
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
        ${s.system&&c`<span class="badge">system</span>`}
        <div class="row-actions">
          <${z} label="Required" checked=${s.required} onChange=${v=>n({required:v})} error=${m.required} />
          <button type="button" class="btn icon" onClick=${()=>r(-1)} disabled=${e===0} aria-label=${`Move ${s.name||"field"} up`} title="Move up">↑</button>
          <button type="button" class="btn icon" onClick=${()=>r(1)} disabled=${e===t-1} aria-label=${`Move ${s.name||"field"} down`} title="Move down">↓</button>
          <button type="button" class="btn" aria-expanded=${h?"true":"false"} aria-controls=${u} onClick=${()=>y(!h)}>
            Options<span class="sr-only"> of ${s.name||"the new field"}</span>
          </button>
          ${!s.system&&c`<button type="button" class="btn danger-text" onClick=${o} aria-label=${`Remove field ${s.name||e+1}`}>Remove</button>`}
        </div>
      </div>
      <div id=${u} class="field-options" hidden=${!h}>
        <div class="grid">
          <${z} label="Hidden" checked=${s.hidden} onChange=${v=>n({hidden:v})} hint="Only superusers see it in API answers." />
          <${z} label="Presentable" checked=${s.presentable} onChange=${v=>n({presentable:v})} hint="Shown for this record in relation pickers." />
        </div>
        <${fo} f=${s} set=${n} err=${m} all=${i} selfId=${l} />
      </div>
    </fieldset>
  `}function ln({draft:s,update:e,orig:t,errors:n,all:o}){let[r,a]=$("text"),i=J(null),l=J(null),p=s.fields;L(()=>{i.current&&l.current&&(l.current.focus(),i.current=null)});let d=(f,b)=>e(_=>({..._,fields:_.fields.map((S,E)=>E===f?{...S,...b}:S)})),h=f=>e(b=>({...b,fields:b.fields.filter((_,S)=>S!==f)})),y=(f,b)=>e(_=>{let S=[..._.fields],E=f+b;return E<0||E>=S.length?_:([S[f],S[E]]=[S[E],S[f]],{..._,fields:S})}),u=()=>{let f=an(r);i.current=f._key,e(b=>{let _=[...b.fields],S=_.length;for(;S>0&&_[S-1].type==="autodate"&&["created","updated"].includes(_[S-1].name);)S--;return _.splice(S,0,f),{...b,fields:_}})},m=new Set(p.map(f=>f.id).filter(Boolean)),g=(t?.fields||[]).filter(f=>!m.has(f.id)),w=new Set((t?.fields||[]).map(f=>f.id)),v=f=>e(b=>({...b,fields:[...b.fields,{...f,_key:f.id}]}));return c`
    <div class="fields">
      ${p.map((f,b)=>c`<${bo}
          key=${f._key}
          f=${f}
          index=${b}
          count=${p.length}
          set=${_=>d(b,_)}
          remove=${()=>h(b)}
          move=${_=>y(b,_)}
          err=${Gs(n,`fields.${b}`)}
          all=${o}
          selfId=${s.id}
          isNew=${!f.id||t&&!w.has(f.id)}
          focusRef=${i.current===f._key?l:void 0}
        />`)}
      ${g.length>0&&c`<div class="removed" role="region" aria-label="Removed fields">
        <p><strong>Removed, deleted with their data when you save:</strong></p>
        <ul>
          ${g.map(f=>c`<li key=${f.id}><s>${f.name}</s> (${f.type}) <button type="button" class="btn small" onClick=${()=>v(f)}>Restore ${f.name}</button></li>`)}
        </ul>
      </div>`}
      <div class="add-field">
        <${se} label="New field type" value=${r} onChange=${a} options=${Yt.map(([f,b])=>({value:f,label:b}))} />
        <button type="button" class="btn" onClick=${u}>Add field</button>
      </div>
    </div>
  `}var go=[["=","equal"],["!=","not equal"],[">","greater than"],[">=","greater or equal"],["<","less than"],["<=","less or equal"],["~","contains (like)"],["!~","does not contain"],["?=","any equal"],["?!=","any not equal"],["?~","any contains"],["&&","and"],["||","or"]],$o=[[":isset","the request sent the key"],[":changed","the request changes the field"],[":length","number of items"],[":each","every item matches"],[":lower","lower-cased value"]],yo=["@now","@second","@minute","@hour","@weekday","@day","@month","@year","@yesterday","@tomorrow","@todayStart","@todayEnd","@monthStart","@monthEnd","@yearStart","@yearEnd"],cn=/[\w@.:]/,vo=["id","created","updated"];function dn(s){return(s?.fields||[]).map(e=>e.name).filter(Boolean)}function mn(s,e){let t=[],n=(i,l)=>t.push([i,l]),o=new Map(e.map(i=>[i.id,i]));for(let i of s?.fields||[])if(i.name&&(n(i.name,i.type),i.type==="relation"&&o.get(i.collectionId)))for(let l of o.get(i.collectionId).fields||[])n(`${i.name}.${l.name}`,`${l.type} of ${o.get(i.collectionId).name}`);if(s?.id)for(let i of e)for(let l of i.fields||[])l.type==="relation"&&l.collectionId===s.id&&n(`${i.name}_via_${l.name}`,`${i.name} records pointing here`);let r=new Map([["id",["text",["every auth collection"]]],["collectionName",["text",["the auth collection name"]]],["collectionId",["text",["the auth collection id"]]]]),a=e.filter(i=>i.type==="auth").sort((i,l)=>Number(i.name.startsWith("_"))-Number(l.name.startsWith("_")));s?.type==="auth"&&!a.some(i=>i.id&&i.id===s.id)&&a.unshift(s);for(let i of a)for(let l of i.fields||[])!l.name||l.name==="tokenKey"||l.name==="password"||l.name==="id"||(r.has(l.name)||r.set(l.name,[l.type,[]]),r.get(l.name)[1].push(i.name||"this collection"));for(let[i,[l,p]]of r)n(`@request.auth.${i}`,i==="id"||i.startsWith("collection")?p[0]:`${l} (${p.join(", ")})`);for(let i of s?.fields||[])i.name&&n(`@request.body.${i.name}`,`sent ${i.type}`);n("@request.query.","a query parameter"),n("@request.headers.","a header (lower case, - as _)"),n("@request.method","GET, POST, PATCH, DELETE"),n("@request.context","default, oauth2, otp, password, realtime, protectedFile");for(let i of e)for(let l of dn(i).length?dn(i):vo)n(`@collection.${i.name}.${l}`,`${i.name}`);for(let i of yo)n(i,"date macro");return t}function wo(s,e){let t=e;for(;t>0&&cn.test(s[t-1]);)t--;let n=e;for(;n<s.length&&cn.test(s[n]);)n++;return[t,n]}function hn(s,e,t,n=10){let[o]=wo(s,e),r=s.slice(o,e),a=e;if(r.includes(":")){let d=r.slice(0,r.indexOf(":")),h=r.slice(r.indexOf(":")),y=$o.filter(([u])=>u.startsWith(h)&&u!==h).map(([u,m])=>({insert:d+u,label:d+u,detail:m}));return{start:o,end:a,items:y}}if(r===""){let d=s[o-1];if(d!==void 0&&d!=="("&&!/\s/.test(d))return{start:o,end:a,items:[]};let h=o-1;for(;h>=0&&/\s/.test(s[h]);)h--;let y=h>=0?s[h]:"";if(y&&/[\w'")\]]/.test(y))return{start:o,end:a,items:go.map(([u,m])=>({insert:u+" ",label:u,detail:m}))}}let i=r.toLowerCase(),l=new Set,p=[];for(let[d,h]of t){if(!d.toLowerCase().startsWith(i)||d===r)continue;let y=d.indexOf(".",r.length),u=y>=0?d.slice(0,y+1):d;u===r||l.has(u)||(l.add(u),p.push({insert:u,label:u,detail:y>=0?"":h}))}return p.sort((d,h)=>un(d.insert)-un(h.insert)||pn(d.insert)-pn(h.insert)||d.insert.localeCompare(h.insert)),{start:o,end:a,items:p.slice(0,n)}}function un(s){return s.startsWith("@")?s.startsWith("@request")?1:s.startsWith("@collection")?2:3:0}function pn(s){return s==="id"||s.endsWith(".id")?0:1}var fn=!1;function _o(s){let e=ko(s);return e.name=e.name||"new_collection",e.fields=(e.fields||[]).filter(t=>t.name),e}function ko(s){let e={...s};return e.fields=(s.fields||[]).map(t=>{let n={};for(let[o,r]of Object.entries(t))o.startsWith("_")||(n[o]=r);return n}),e}function Je(s,e,t="rule"){let[n,o]=$({state:"idle",message:""}),r=J(0),a=Pe(()=>s&&e?JSON.stringify(_o(e)):"",[s,e]);return L(()=>{if(fn||s==null||s.trim()===""||!a){o({state:"idle",message:""});return}let i=++r.current,l=setTimeout(async()=>{try{await C.send("/api/collections/meta/check-rule",{method:"POST",body:{collection:JSON.parse(a),rule:s,kind:t}}),i===r.current&&o({state:"ok",message:""})}catch(p){if(i!==r.current)return;if(p.status===404){fn=!0,o({state:"idle",message:""});return}let d=j(p).fields;o(d.rule?{state:"error",message:d.rule}:{state:"idle",message:""})}},300);return()=>clearTimeout(l)},[s,a,t]),n}function ft({label:s,value:e,onChange:t,collection:n,all:o,error:r,hint:a,lockable:i=!0,kind:l="rule",lockedHint:p}){let d=H(),h=e==null,y=J(h?"":e);h||(y.current=e);let u=Je(h?null:e,n,l),m=u.state==="error"&&u.message||r||"";return c`
    <div class="rule">
      <div class="rule-head">
        <label for=${d} class="rule-label">${s}</label>
        ${i&&c`<span class="check inline">
          <input
            type="checkbox"
            id=${`${d}-lock`}
            checked=${h}
            onChange=${g=>t(g.currentTarget.checked?null:y.current)}
          />
          <label for=${`${d}-lock`}>Superusers only<span class="sr-only"> (${s})</span></label>
        </span>`}
      </div>
      ${h?c`<p class="locked-note" id=${`${d}-locked`}>${p||"Locked: only superusers."} <span class="muted">Untick “Superusers only” to write a rule.</span></p>`:c`<${Ve} id=${d} value=${e} onChange=${t} collection=${n} all=${o}
              invalid=${!!m} describedBy=${[`${d}-hint`,m&&`${d}-err`].filter(Boolean).join(" ")} />`}
      ${!h&&c`<p class="hint" id=${`${d}-hint`}>${a}${u.state==="ok"?c` <span class="ok-note">Valid rule.</span>`:""}</p>`}
      <div aria-live="polite">${m&&!h?c`<p class="field-error" id=${`${d}-err`}>${m}</p>`:null}</div>
    </div>
  `}function Ve({id:s,value:e,onChange:t,collection:n,all:o,invalid:r,describedBy:a,placeholder:i,rows:l=2}){let p=J(null),[d,h]=$(null),[y,u]=$(0),m=Pe(()=>mn(n,o||[]),[n,o]),g=`${s}-list`,w=(b,_)=>{let S=hn(b,_,m);h(S.items.length?S:null),u(0)},v=b=>{let _=p.current,S=e||"",E=S.slice(0,d.start)+b.insert+S.slice(d.end),D=d.start+b.insert.length;t(E),requestAnimationFrame(()=>{_.focus(),_.setSelectionRange(D,D),b.insert.endsWith(".")?w(E,D):h(null)})},f=b=>{if(b.key===" "&&b.ctrlKey){b.preventDefault(),w(e||"",b.currentTarget.selectionStart);return}d&&(b.key==="ArrowDown"?(b.preventDefault(),u(_=>(_+1)%d.items.length)):b.key==="ArrowUp"?(b.preventDefault(),u(_=>(_-1+d.items.length)%d.items.length)):b.key==="Enter"?(b.preventDefault(),v(d.items[y])):b.key==="Escape"?(b.preventDefault(),b.stopPropagation(),h(null)):b.key==="Tab"&&h(null))};return c`
    <div class="combo">
      <textarea
        ref=${p}
        id=${s}
        class="mono"
        rows=${l}
        spellcheck=${!1}
        autocomplete="off"
        placeholder=${i??'Empty: everyone. Example: @request.auth.id != ""'}
        value=${e||""}
        aria-invalid=${r?"true":void 0}
        aria-describedby=${a}
        aria-autocomplete="list"
        aria-controls=${d?g:void 0}
        aria-activedescendant=${d?`${g}-${y}`:void 0}
        onInput=${b=>{t(b.currentTarget.value),w(b.currentTarget.value,b.currentTarget.selectionStart)}}
        onKeyDown=${f}
        onBlur=${()=>setTimeout(()=>h(null),150)}
      ></textarea>
      ${d&&c`<ul class="suggestions" role="listbox" id=${g} aria-label="Suggestions">
        ${d.items.map((b,_)=>c`<li
            id=${`${g}-${_}`}
            role="option"
            aria-selected=${_===y?"true":"false"}
            class=${_===y?"active":""}
            onMouseDown=${S=>{S.preventDefault(),v(b)}}
          >
            <span class="mono">${b.label}</span>${b.detail&&c`<span class="muted"> ${b.detail}</span>`}
          </li>`)}
      </ul>`}
      <span class="sr-only" aria-live="polite">${d?`${d.items.length} suggestions, use the arrow keys and Enter.`:""}</span>
    </div>
  `}function bn({draft:s,update:e,errors:t,all:n}){let o=s.type==="view",r=o?Xt.slice(0,2):Xt,a=(l,p)=>e(d=>({...d,[l]:p})),i=([l,p,d])=>c`<${ft}
    key=${l}
    label=${p}
    value=${s[l]}
    onChange=${h=>a(l,h)}
    collection=${s}
    all=${n}
    error=${t[l]}
    hint=${l==="authRule"?"Empty: every record with valid credentials can log in.":`Empty: everyone (guests too) can ${d}. A rule: only requests that match it.`}
    lockedHint=${l==="manageRule"?"Locked: only superusers manage other records.":`Locked: only superusers can ${d}.`}
  />`;return c`
    <div class="rules">
      <p class="muted">
        A rule is a filter: <code>@request.auth.id != ""</code> lets any logged-in user in, <code>owner = @request.auth.id</code>${" "}only a record's owner.
        Suggestions appear as you type (↑ ↓ to choose, Enter to insert, Ctrl+Space to ask).
        ${o&&" A view is read-only: it has only list and view rules."}
      </p>
      ${r.map(i)}
      ${s.type==="auth"&&c`<h2 class="sub">Auth collection rules</h2>${on.map(i)}`}
    </div>
  `}function gn({draft:s,update:e,errors:t}){let n=s.indexes||[],o=(i,l)=>e(p=>({...p,indexes:p.indexes.map((d,h)=>h===i?l:d)})),r=i=>e(l=>({...l,indexes:l.indexes.filter((p,d)=>d!==i)})),a=i=>e(l=>{let p=l.name||"collection",d=l.fields.find(y=>!y.system&&y.name)?.name||"field",h=`CREATE ${i?"UNIQUE ":""}INDEX \`idx_${p}_${d}\` ON \`${p}\` (\`${d}\`)`;return{...l,indexes:[...l.indexes||[],h]}});return c`
    <div class="indexes">
      <p class="muted">Indexes make filters and sorts on these fields fast; a unique index refuses duplicate values.</p>
      ${n.length===0&&c`<p>No indexes yet.</p>`}
      ${n.map((i,l)=>c`<div class="index-row" key=${l}>
          <${A} class="grow" label=${`Index ${l+1}`} value=${i} onInput=${p=>o(l,p)} error=${t[`indexes.${l}`]} mono rows="2" />
          <button type="button" class="btn danger-text" onClick=${()=>r(l)} aria-label=${`Remove index ${l+1}`}>Remove</button>
        </div>`)}
      ${t.indexes&&c`<p class="field-error">${t.indexes}</p>`}
      <div class="actions">
        <button type="button" class="btn" onClick=${()=>a(!1)}>Add index</button>
        <button type="button" class="btn" onClick=${()=>a(!0)}>Add unique index</button>
      </div>
    </div>
  `}function $n({draft:s,update:e,errors:t,saved:n}){return c`
    <div class="view-query">
      <${A}
        label="View query"
        rows="8"
        mono
        value=${s.viewQuery}
        onInput=${o=>e(r=>({...r,viewQuery:o}))}
        error=${t.viewQuery}
        hint="One SELECT over your collections; it needs an id column. Its columns become the view's fields. Saving checks it."
        placeholder="SELECT id, title, created FROM posts WHERE published = true"
      />
      ${n?.id?c`<${xo} collection=${n} stale=${n.viewQuery!==s.viewQuery} />`:c`<p class="muted">Save the view to see a preview of its records.</p>`}
    </div>
  `}function xo({collection:s,stale:e}){let[t,n]=$({loading:!0,items:[],total:0,error:""}),o=async()=>{n(a=>({...a,loading:!0}));try{let a=await C.collection(s.id).getList(1,10);n({loading:!1,items:a.items,total:a.totalItems,error:""})}catch(a){n({loading:!1,items:[],total:0,error:j(a).message})}};L(()=>{o()},[s.id,s.updated]);let r=(s.fields||[]).map(a=>a.name).filter(a=>!["collectionId","collectionName"].includes(a)).slice(0,8);return c`
    <section class="preview" aria-labelledby="preview-h">
      <div class="section-head">
        <h2 id="preview-h" class="sub">Preview of the saved view</h2>
        <button type="button" class="btn small" onClick=${o}>Refresh preview</button>
      </div>
      ${e&&c`<p class="warn-note">The query has unsaved changes: save to preview them.</p>`}
      ${t.loading&&c`<p role="status">Loading…</p>`}
      ${t.error&&c`<p class="field-error" role="alert">${t.error}</p>`}
      ${!t.loading&&!t.error&&c`<p class="muted small">${t.total} record${t.total===1?"":"s"}${t.total>10?", the first 10 shown":""}.</p>
        <div class="table-wrap" tabindex="0" role="region" aria-label="Preview records">
          <table>
            <thead><tr>${r.map(a=>c`<th scope="col">${a}</th>`)}</tr></thead>
            <tbody>
              ${t.items.map(a=>c`<tr>${r.map(i=>c`<td>${So(a[i])}</td>`)}</tr>`)}
            </tbody>
          </table>
        </div>`}
    </section>
  `}function So(s){if(s==null||s==="")return c`<span class="muted">—</span>`;let e=typeof s=="object"?JSON.stringify(s):String(s);return e.length>80?e.slice(0,80)+"…":e}var Co=[["google","Google"],["github","GitHub"],["gitlab","GitLab"],["microsoft","Microsoft"],["discord","Discord"],["oidc","OpenID Connect"],["oidc2","OpenID Connect (2)"],["oidc3","OpenID Connect (3)"]],To=[["authToken","Auth token","How long a log-in lasts."],["verificationToken","Verification token","The link in the verification mail."],["passwordResetToken","Password reset token","The link in the reset mail."],["emailChangeToken","Email change token","The link confirming a new address."],["fileToken","File token","Access to protected files."]],yn=[["verificationTemplate","Verification mail"],["resetPasswordTemplate","Password reset mail"],["confirmEmailChangeTemplate","Email change mail"],["otp.emailTemplate","One-time code mail"],["authAlert.emailTemplate","New device log-in alert"]],vn=(s,e)=>e.split(".").reduce((t,n)=>t?.[n],s);function wn(s,e,t){let[n,...o]=e.split(".");return{...s,[n]:o.length?wn(s?.[n]||{},o.join("."),t):t}}function Ro(){let s="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",e=crypto.getRandomValues(new Uint8Array(50));return Array.from(e,t=>s[t%s.length]).join("")}function Le({title:s,children:e}){return c`<section class="opt-section"><h2>${s}</h2>${e}</section>`}function _n({draft:s,update:e,errors:t,all:n}){let o=(m,g)=>e(w=>wn(w,m,g)),r=t,a=s.fields.filter(m=>(m.type==="text"||m.type==="email")&&m.name&&m.name!=="id"&&m.name!=="tokenKey"),i=s.passwordAuth?.identityFields||[],l=s.oauth2?.providers||[],[p,d]=$(yn[0][0]),h=[{value:"",label:"(none)"},...s.fields.filter(m=>m.name&&!m.system).map(m=>({value:m.name,label:m.name}))],y=(m,g)=>o("oauth2.providers",l.map((w,v)=>v===m?{...w,...g}:w)),u=Object.entries(r).find(([m])=>m.startsWith("passwordAuth.identityFields"))?.[1];return c`
    <div class="auth-options">
      <${Le} title="Password">
        <${z} label="Log in with a password" checked=${s.passwordAuth?.enabled} onChange=${m=>o("passwordAuth.enabled",m)} error=${r["passwordAuth.enabled"]} />
        <fieldset class="inline-group">
          <legend>Identity fields (what users type as their login)</legend>
          ${a.map(m=>c`<${z}
              key=${m.name}
              label=${m.name}
              checked=${i.includes(m.name)}
              onChange=${g=>o("passwordAuth.identityFields",g?[...i,m.name]:i.filter(w=>w!==m.name))}
            />`)}
          ${u&&c`<p class="field-error">${u}</p>`}
        </fieldset>
      <//>
      <${Le} title="One-time codes by mail (OTP)">
        <${z} label="Log in with a one-time code" checked=${s.otp?.enabled} onChange=${m=>o("otp.enabled",m)} />
        <div class="grid">
          <${ne} label="Code length" value=${s.otp?.length} onChange=${m=>o("otp.length",m??0)} error=${r["otp.length"]} min="4" max="32" />
          <${ne} label="Code valid for (seconds)" value=${s.otp?.duration} onChange=${m=>o("otp.duration",m??0)} error=${r["otp.duration"]} />
        </div>
      <//>
      <${Le} title="Multi-factor authentication (MFA)">
        <${z} label="Require two different methods" checked=${s.mfa?.enabled} onChange=${m=>o("mfa.enabled",m)}
          hint="A log-in then needs two methods (for example the password and a one-time code) within the duration." />
        <${ne} label="Second method within (seconds)" value=${s.mfa?.duration} onChange=${m=>o("mfa.duration",m??0)} error=${r["mfa.duration"]} />
        <${ft} label="MFA rule" value=${s.mfa?.rule??""} onChange=${m=>o("mfa.rule",m??"")} collection=${s} all=${n}
          error=${r["mfa.rule"]} lockable=${!1} hint="Empty: MFA for every record. A rule: only for records it matches." />
      <//>
      <${Le} title="OAuth2">
        <${z} label="Log in with OAuth2 providers" checked=${s.oauth2?.enabled} onChange=${m=>o("oauth2.enabled",m)} />
        ${l.map((m,g)=>c`<fieldset class="provider" key=${g}>
            <legend>Provider ${g+1}: ${m.displayName||m.name||"new"}</legend>
            <div class="grid">
              <${se} label="Provider" value=${m.name} onChange=${w=>y(g,{name:w})} error=${r[`oauth2.providers.${g}.name`]}
                options=${[{value:"",label:"Choose…"},...Co.map(([w,v])=>({value:w,label:v}))]} />
              <${A} label="Display name" value=${m.displayName} onInput=${w=>y(g,{displayName:w})} />
              <${A} label="Client ID" value=${m.clientId} onInput=${w=>y(g,{clientId:w})} error=${r[`oauth2.providers.${g}.clientId`]} autocomplete="off" />
              <${A} label="Client secret" type="password" value=${m.clientSecret} onInput=${w=>y(g,{clientSecret:w})}
                error=${r[`oauth2.providers.${g}.clientSecret`]} autocomplete="new-password" hint="Never shown again; leave empty to keep the saved one." />
              ${m.name?.startsWith("oidc")&&c`
                <${A} label="Auth URL" value=${m.authURL} onInput=${w=>y(g,{authURL:w})} error=${r[`oauth2.providers.${g}.authURL`]} />
                <${A} label="Token URL" value=${m.tokenURL} onInput=${w=>y(g,{tokenURL:w})} error=${r[`oauth2.providers.${g}.tokenURL`]} />
                <${A} label="User info URL" value=${m.userInfoURL} onInput=${w=>y(g,{userInfoURL:w})} error=${r[`oauth2.providers.${g}.userInfoURL`]} />
              `}
              <${z} label="PKCE" checked=${m.pkce!==!1} onChange=${w=>y(g,{pkce:w})} />
            </div>
            <button type="button" class="btn danger-text" onClick=${()=>o("oauth2.providers",l.filter((w,v)=>v!==g))}>Remove provider ${g+1}</button>
          </fieldset>`)}
        <button type="button" class="btn" onClick=${()=>o("oauth2.providers",[...l,{name:"",clientId:"",clientSecret:"",displayName:"",authURL:"",tokenURL:"",userInfoURL:"",pkce:!0,extra:{}}])}>
          Add OAuth2 provider
        </button>
        <fieldset class="inline-group">
          <legend>Fields filled from the provider's profile</legend>
          <div class="grid">
            ${["name","username","avatarURL"].map(m=>c`<${se} key=${m} label=${`Provider ${m}`} value=${s.oauth2?.mappedFields?.[m]||""}
                onChange=${g=>o(`oauth2.mappedFields.${m}`,g)} error=${r[`oauth2.mappedFields.${m}`]} options=${h} />`)}
          </div>
        </fieldset>
      <//>
      <${Le} title="Token durations">
        <div class="grid">
          ${To.map(([m,g,w])=>c`<div key=${m}>
              <${ne} label=${`${g} (seconds)`} value=${s[m]?.duration} onChange=${v=>o(`${m}.duration`,v??0)} error=${r[`${m}.duration`]} hint=${w} />
              ${s.id&&c`<${z} label=${`Invalidate all ${g.toLowerCase()}s on save`} checked=${!!s[m]?.secret}
                onChange=${v=>o(`${m}.secret`,v?Ro():void 0)} />`}
            </div>`)}
        </div>
      <//>
      <${Le} title="New device alert">
        <${z} label="Mail users when they log in from a new device" checked=${s.authAlert?.enabled} onChange=${m=>o("authAlert.enabled",m)} />
      <//>
      <${Le} title="Mail templates">
        <${se} label="Template" value=${p} onChange=${d} options=${yn.map(([m,g])=>({value:m,label:g}))} />
        <${A} label="Subject" value=${vn(s,`${p}.subject`)} onInput=${m=>o(`${p}.subject`,m)} error=${r[`${p}.subject`]}
          hint="Empty: Galley's default text." />
        <${A} label="Body (HTML)" rows="8" mono value=${vn(s,`${p}.body`)} onInput=${m=>o(`${p}.body`,m)} error=${r[`${p}.body`]}
          hint="Placeholders: {APP_NAME} {APP_URL} {TOKEN} {OTP} {ACTION_URL} {RECORD:field}. Empty: the default." />
      <//>
    </div>
  `}var Oo=[{value:"base",label:"Base: records with fields"},{value:"auth",label:"Auth: users who log in"},{value:"view",label:"View: a read-only SQL query"}],Io=["passwordAuth","oauth2","otp","mfa","authToken","passwordResetToken","emailChangeToken","verificationToken","fileToken","authAlert","verificationTemplate","resetPasswordTemplate","confirmEmailChangeTemplate"];function Eo(s){let e=[];return s==="view"?e.push({id:"query",label:"Query",keys:["viewQuery"]}):e.push({id:"fields",label:"Fields",keys:["fields"]}),e.push({id:"rules",label:"API rules",keys:["listRule","viewRule","createRule","updateRule","deleteRule","authRule","manageRule"]}),s==="auth"&&e.push({id:"options",label:"Auth options",keys:Io}),s!=="view"&&e.push({id:"indexes",label:"Indexes",keys:["indexes"]}),e}var kn=(s,e)=>JSON.stringify(ht(s))===JSON.stringify(ht(e));function Lo(s){for(let e of["base","auth"]){let t=s[e];if(t){for(let[n,o]of[["created",!1],["updated",!0]])t.fields.some(r=>r.name===n)||t.fields.push({name:n,type:"autodate",system:!1,hidden:!1,presentable:!1,onCreate:!0,onUpdate:o});t.indexes=(t.indexes||[]).filter(n=>!n.includes(" ON `` "))}}return s}var bt=null;function xn(){return bt??(bt=C.collections.getScaffolds().then(Lo).catch(s=>{throw bt=null,s})),bt}function es({params:s,query:e}){let t=!s.id,n=`collection:${s.id||"new"}`,{items:o}=Z(ae),[r,a]=$(null),[i,l]=$(null),[p,d]=$(!1),[h,y]=$(""),[u,m]=$({message:"",fields:{}}),[g,w]=$(null),[v,f]=$(!1),[b,_]=$(null),S=J({});L(()=>{let k=!0;return(async()=>{try{let x;if(t){let G=await xn(),O=["base","auth","view"].includes(e.type)?e.type:"base";x=Ee({...structuredClone(G[O]),name:""}),delete x.id}else x=Ee(await C.collections.getOne(s.id));if(!k)return;let I=tn(n);a(t?null:x),I&&(t?I.draft:I.baseUpdated===x.updated)&&!kn(I.draft,x)?(l(I.draft),d(!0)):l(x)}catch(x){k&&y(j(x).message)}})(),()=>{k=!1}},[s.id]);let E=i&&(r?!kn(r,i):!0);L(()=>{i&&(E&&(!t||i.name||i.fields.some(k=>!k.system&&k.name))?sn(n,{draft:i,baseUpdated:r?.updated||""}):E||Oe(n))},[i]),L(()=>{if(!E)return;let k=x=>{x.preventDefault(),x.returnValue=""};return window.addEventListener("beforeunload",k),()=>window.removeEventListener("beforeunload",k)},[E]);let D=Pe(()=>Eo(i?.type),[i?.type]),N=D.find(k=>k.id===g)?g:D[0].id,R=u.fields;if(h)return c`<div class="page"><h1 tabindex="-1">Collection</h1><p class="field-error" role="alert">${h}</p><a href="#/collections">Back to the collections</a></div>`;if(!i)return c`<div class="page"><p role="status">Loading…</p></div>`;let U=k=>l(x=>k(x)),V=r&&ue(r),W=k=>{let x=j(k);m(x);let I=D.find(G=>ct(x.fields,G.keys)>0);I&&ct(x.fields,D.find(G=>G.id===N).keys)===0&&w(I.id),!(!Object.keys(x.fields).length||x.fields.name||x.fields.type)&&setTimeout(()=>document.querySelector('#main-content [aria-invalid="true"]')?.focus(),50)},F=async()=>{_(null),f(!0);try{let k=ht(i),x=t?await C.collections.create(k):await C.collections.update(r.id,k);Oe(n),m({message:"",fields:{}}),d(!1);let I=Ee(x);a(I),l(I),re(),B(`Saved ${x.name}.`),t&&(Oe(`collection:${x.id}`),me(`#/collections/${x.id}/edit`,{replace:!0}))}catch(k){W(k)}finally{f(!1)}},$e=async k=>{if(k?.preventDefault(),!t){try{let I=await C.collections.getOne(r.id);if(I.updated!==r.updated){_({kind:"conflict",now:I});return}}catch(I){W(I);return}let x=Zt(r,i);if(x.length){_({kind:"changes",changes:x});return}}F()},q=()=>{let k=Ee(b.now);Oe(n),a(k),l(k),_(null),m({message:"",fields:{}})},te=()=>{let k=Ee(b.now);a(k);let x=Zt(k,i);x.length?_({kind:"changes",changes:x}):F()},ee=async()=>{f(!0);try{await C.collections.delete(r.id),Oe(n),_(null),await re(),B(`Deleted ${r.name}.`),me("#/collections")}catch(k){_(null),m(j(k))}finally{f(!1)}},T=()=>{Oe(n),d(!1),m({message:"",fields:{}}),r?l(r):me("#/collections")},P=async k=>{let x=await xn(),I=Ee(structuredClone(x[k]));delete I.id;let G=new Set(I.fields.map(be=>be.name)),O=k==="view"?[]:i.fields.filter(be=>!be.system&&!G.has(be.name)),M=Object.fromEntries(["listRule","viewRule","createRule","updateRule","deleteRule"].map(be=>[be,i[be]])),fe=I.fields.findIndex(be=>be.type==="autodate");fe>=0?I.fields.splice(fe,0,...O):I.fields.push(...O),m({message:"",fields:{}}),l({...I,...M,name:i.name,viewQuery:k==="view"?i.viewQuery||"":void 0}),history.replaceState(null,"",`#/collections/new?type=${k}`)},ce=t?"New collection":r.name,ie={fields:ln,query:$n,rules:bn,options:_n,indexes:gn}[N];return c`
    <form class="page editor" onSubmit=${$e} novalidate>
      <div class="page-head">
        <div>
          <p class="crumbs"><a href="#/collections">Collections</a> /</p>
          <h1 tabindex="-1">${ce} ${r&&c`<span class=${`badge t-${r.type}`}>${r.type}</span>`} ${V&&c`<span class="badge">system</span>`}</h1>
        </div>
        <div class="actions">
          ${E&&c`<span class="muted small" role="status">Unsaved changes</span>`}
          ${(E||t)&&c`<button type="button" class="btn" onClick=${T}>${t?"Cancel":"Discard changes"}</button>`}
          <button type="submit" class="btn primary" disabled=${v||!E&&!t}>${v?"Saving…":t?"Create collection":"Save changes"}</button>
        </div>
      </div>
      ${p&&c`<p class="warn-note" role="status">Your unsaved changes from before were restored. <button type="button" class="btn link" onClick=${T}>Discard them</button></p>`}
      ${V&&c`<p class="muted">A system collection: Galley relies on its name and system fields; its rules and options can be changed.</p>`}
      <div class="grid top-fields">
        <${A} label="Collection name" value=${i.name} onInput=${k=>U(x=>({...x,name:k}))} error=${R.name}
          hint=${t?"Letters, digits and _ ; used in API URLs.":void 0} disabled=${V} autocomplete="off" spellcheck=${!1} />
        ${t?c`<${se} label="Collection type" value=${i.type} error=${R.type} onChange=${P} options=${Oo} />`:null}
      </div>
      <${oe} message=${Object.keys(R).length?"Some values need fixing: see the messages below.":u.message} />
      <div class="tabs" role="tablist" aria-label="Collection settings">
        ${D.map(k=>{let x=ct(R,k.keys);return c`<button
            type="button"
            role="tab"
            id=${`tab-${k.id}`}
            ref=${I=>S.current[k.id]=I}
            aria-selected=${k.id===N?"true":"false"}
            aria-controls=${`panel-${k.id}`}
            tabindex=${k.id===N?0:-1}
            onClick=${()=>w(k.id)}
            onKeyDown=${I=>{let G=D.findIndex(fe=>fe.id===N),O=I.key==="ArrowRight"?G+1:I.key==="ArrowLeft"?G-1:null;if(O===null)return;I.preventDefault();let M=D[(O+D.length)%D.length].id;w(M),S.current[M]?.focus()}}
          >
            ${k.label}${x>0&&c` <span class="err-count">${x}<span class="sr-only"> error${x>1?"s":""}</span></span>`}
          </button>`})}
      </div>
      <div role="tabpanel" id=${`panel-${N}`} aria-labelledby=${`tab-${N}`} class="tabpanel">
        <${ie} draft=${i} update=${U} orig=${r} errors=${R} all=${o} saved=${r} />
      </div>
      ${!t&&!V&&c`<section class="danger-zone" aria-labelledby="dz-h">
        <h2 id="dz-h">Delete</h2>
        <p>Deleting the collection deletes its table and every record in it.</p>
        <button type="button" class="btn danger" onClick=${()=>_({kind:"delete"})}>Delete collection ${r.name}</button>
      </section>`}
      <${le}
        open=${b?.kind==="changes"}
        title="Save these changes?"
        confirmLabel="Save anyway"
        danger
        busy=${v}
        onConfirm=${F}
        onCancel=${()=>_(null)}
      >
        <p>Saving ${r?.name} will:</p>
        <ul class="change-list">${(b?.changes||[]).map(k=>c`<li class=${`c-${k.kind}`}>${k.text}</li>`)}</ul>
        <p>This cannot be undone.</p>
      <//>
      <${Ie} open=${b?.kind==="conflict"} title="Changed elsewhere" onClose=${()=>_(null)}>
        <p>${r?.name} was changed (in another tab or by another superuser) since you opened it. Saving now would overwrite those changes.</p>
        <div class="actions">
          <button type="button" class="btn" onClick=${()=>_(null)} autofocus>Keep editing</button>
          <button type="button" class="btn" onClick=${q}>Reload their version (drop my edits)</button>
          <button type="button" class="btn danger" onClick=${te} disabled=${v}>Overwrite with my changes</button>
        </div>
      <//>
      <${le}
        open=${b?.kind==="delete"}
        title=${`Delete ${r?.name}?`}
        confirmLabel="Delete"
        danger
        busy=${v}
        onConfirm=${ee}
        onCancel=${()=>_(null)}
      >
        <p>The collection <strong>${r?.name}</strong> and all its records will be deleted. This cannot be undone.</p>
      <//>
    </form>
  `}function Sn(){let[s,e]=$(""),[t,n]=$(""),[o,r]=$(!1);return L(()=>{C.send("/api/collections",{query:{perPage:500}}).then(l=>e(JSON.stringify(l.items.filter(p=>o||!ue(p)),null,2))).catch(l=>n(j(l).message))},[o]),c`
    <div class="page">
      <div class="page-head">
        <div>
          <p class="crumbs"><a href="#/collections">Collections</a> /</p>
          <h1 tabindex="-1">Export collections</h1>
        </div>
        <div class="actions">
          <button type="button" class="btn" onClick=${async()=>{try{await navigator.clipboard.writeText(s),B("Copied to the clipboard.")}catch{B("The browser refused the clipboard: select the text and copy it.","error")}}} disabled=${!s}>Copy</button>
          <button type="button" class="btn primary" onClick=${()=>{let l=URL.createObjectURL(new Blob([s],{type:"application/json"})),p=document.createElement("a");p.href=l,p.download="galley_collections.json",document.body.append(p),p.click(),p.remove(),setTimeout(()=>URL.revokeObjectURL(l),1e3)}} disabled=${!s}>Download JSON</button>
        </div>
      </div>
      <p class="muted">The definitions of your collections (fields, indexes, rules, options; no records, no secrets). Import them into another Galley or PocketBase.</p>
      <${z} label="Include system collections" checked=${o} onChange=${r} />
      <${oe} message=${t} />
      <${A} label="Collections JSON" rows="20" mono value=${s} readonly />
    </div>
  `}function Cn(){let{items:s}=Z(ae),[e,t]=$(""),[n,o]=$(!1),[r,a]=$({message:"",fields:{}}),[i,l]=$(""),[p,d]=$(!1),[h,y]=$(!1),u=null,m="";if(e.trim())try{let R=JSON.parse(e);u=Array.isArray(R)?R:Array.isArray(R?.collections)?R.collections:Array.isArray(R?.items)?R.items:null,u||(m="Expected a JSON array of collections.")}catch(R){m=`Not valid JSON: ${R.message}`}let g=new Set((u||[]).map(R=>R?.name)),w=new Set((u||[]).map(R=>R?.id).filter(Boolean)),v=R=>s.some(U=>R.id&&U.id===R.id||U.name===R.name),f=(u||[]).filter(R=>!v(R)),b=(u||[]).filter(v),_=n?s.filter(R=>!ue(R)&&!g.has(R.name)&&!w.has(R.id)):[],S=async R=>{let U=R.currentTarget.files?.[0];U&&t(await U.text())},E=async()=>{d(!1),y(!0);try{await C.collections.import(u,n),await re(),B(`Imported ${u.length} collection${u.length===1?"":"s"}.`),me("#/collections")}catch(R){a(j(R))}finally{y(!1)}},D=R=>{if(R.preventDefault(),l(m),m||!u){!u&&!m&&l("Paste or choose the JSON to import.");return}d(!0)},N=Object.entries(r.fields);return c`
    <form class="page" onSubmit=${D} novalidate>
      <div class="page-head">
        <div>
          <p class="crumbs"><a href="#/collections">Collections</a> /</p>
          <h1 tabindex="-1">Import collections</h1>
        </div>
      </div>
      <p class="muted">Paste exported collections (a JSON array), or choose a file. Collections are matched by id, then by name: matches are updated, the others created.</p>
      <div class="field">
        <label for="import-file">JSON file</label>
        <input id="import-file" type="file" accept="application/json,.json" onChange=${S} />
      </div>
      <${A} label="Collections JSON" rows="14" mono value=${e} onInput=${R=>{t(R),l("")}} error=${i||r.fields.collections} />
      <${z} label="Delete collections that are not in the import" checked=${n} onChange=${o}
        hint="Their records are deleted with them. System collections are never deleted." />
      ${u&&c`<div class="summary" role="status">
        <p>${f.length} to create${f.length?": "+f.map(R=>R.name).join(", "):""}.</p>
        <p>${b.length} to update${b.length?": "+b.map(R=>R.name).join(", "):""}.</p>
        ${_.length>0&&c`<p class="warn-note">${_.length} to delete with their records: ${_.map(R=>R.name).join(", ")}.</p>`}
      </div>`}
      <${oe} message=${r.message} />
      ${N.length>0&&c`<ul class="field-error">${N.map(([R,U])=>c`<li><code>${R}</code>: ${U}</li>`)}</ul>`}
      <div class="actions">
        <button type="submit" class="btn primary" disabled=${h}>${h?"Importing…":"Review and import"}</button>
      </div>
      <${le} open=${p} title="Import collections?" confirmLabel="Import" danger=${_.length>0} busy=${h} onConfirm=${E} onCancel=${()=>d(!1)}>
        <p>${f.length} created, ${b.length} updated${_.length?c`, <strong>${_.length} deleted with all their records</strong>`:""}.</p>
        ${b.length>0&&c`<p>Fields of updated collections that the import does not list are deleted with their data.</p>`}
      <//>
    </form>
  `}function Po({params:s}){return L(()=>me(`#/collections/${encodeURIComponent(s.id)}/edit`,{replace:!0}),[s.id]),c`<p role="status">Opening…</p>`}function Tn(){Q("/collections",en,{title:"Collections"}),Q("/collections/new",es,{title:"New collection"}),Q("/collections/import",Cn,{title:"Import collections"}),Q("/collections/export",Sn,{title:"Export collections"}),Q("/collections/:id/edit",es,{title:"Edit collection"}),Q("/collections/:id",Po,{priority:-1}),ye({label:"Collections",href:"#/collections",order:10,match:/^\/collections/})}var No={p:[],br:[],div:[],span:[],b:[],strong:[],i:[],em:[],u:[],s:[],strike:[],sub:[],sup:[],h1:[],h2:[],h3:[],h4:[],h5:[],h6:[],blockquote:[],pre:[],code:[],hr:[],ul:[],ol:[],li:[],a:["href","title"],img:["src","alt","width","height"],table:[],thead:[],tbody:[],tr:[],th:[],td:[]},qo=new Set(["script","style","template","noscript","iframe","frame","frameset","object","embed","applet","svg","math","form","input","button","textarea","select","option","title","head","meta","link","base","xmp","noembed","noframes","plaintext"]),jo=64;function ss(s,{image:e=!1}={}){let t=String(s).replace(/[\u0000-\u0020\u007f-\u009f]/g,""),n=/^([a-z][a-z0-9+.-]*):/i.exec(t);if(!n)return!0;let o=n[1].toLowerCase();return e?o==="http"||o==="https":["http","https","mailto","tel"].includes(o)}function ts(s,e,t,n){for(let o of s.childNodes){if(o.nodeType===3){e.appendChild(t.createTextNode(o.data));continue}if(o.nodeType!==1)continue;let r=o.localName;if(o.namespaceURI!=="http://www.w3.org/1999/xhtml"||qo.has(r))continue;if(n>=jo){e.appendChild(t.createTextNode(o.textContent));continue}let a=No[r];if(!a){ts(o,e,t,n+1);continue}let i=t.createElement(r);for(let l of a){let p=o.getAttribute(l);p!==null&&((l==="href"||l==="src")&&!ss(p,{image:l==="src"})||(l==="width"||l==="height")&&!/^\d{1,4}$/.test(p)||i.setAttribute(l,p))}r==="a"&&i.hasAttribute("href")&&i.setAttribute("rel","noopener noreferrer"),ts(o,i,t,n+1),e.appendChild(i)}}function je(s){if(s==null||s==="")return"";let e=new DOMParser().parseFromString(String(s),"text/html"),t=document.implementation.createHTMLDocument(""),n=t.createElement("div");return ts(e.body,n,t,0),n.innerHTML}function Rn(s){if(s==null||s==="")return"";let e=new DOMParser().parseFromString(String(s),"text/html").body;for(let t of e.querySelectorAll("script, style, template, noscript"))t.remove();for(let t of e.querySelectorAll("br, p, div, li, h1, h2, h3, h4, h5, h6, tr, td, th, blockquote, pre"))t.append(" ");return e.textContent.replace(/\s+/g," ").trim()}var Do=s=>!s.textContent.trim()&&!s.querySelector("img, hr"),Uo=c`<svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round">
  <path d="M10 14a4.5 4.5 0 0 0 6.4 0l3.2-3.2a4.5 4.5 0 0 0-6.4-6.4L12 5.6" /><path d="M14 10a4.5 4.5 0 0 0-6.4 0l-3.2 3.2a4.5 4.5 0 0 0 6.4 6.4l1.2-1.2" /></svg>`,Fo=s=>s.ctrlKey||s.metaKey;function ve(s,e){document.execCommand(s,!1,e)}function On(){ve("styleWithCSS",!1),ve("defaultParagraphSeparator","p")}function ns(s){let t=document.getSelection()?.anchorNode;if(!t||!s.contains(t))return"";for(t.nodeType===3&&(t=t.parentNode);t&&t!==s;){if(/^(H[1-6]|P|DIV|LI|BLOCKQUOTE|PRE)$/.test(t.tagName))return t.tagName.toLowerCase();t=t.parentNode}return""}function In({label:s,value:e,onChange:t,error:n}){let o=H(),r=J(null),a=J(null),i=J(null),l=J(null),[p,d]=$(!1),[h,y]=$(e||""),[u,m]=$({}),[g,w]=$(null),[v,f]=$("");Os(()=>{p||!r.current||(r.current.innerHTML=je(e))},[p]);let b=()=>{let T=r.current;t(Do(T)?"":je(T.innerHTML))},_=()=>{let T=r.current;T&&m({bold:document.queryCommandState("bold"),italic:document.queryCommandState("italic"),ul:document.queryCommandState("insertUnorderedList"),ol:document.queryCommandState("insertOrderedList"),heading:ns(T)==="h2"})};L(()=>{let T=()=>r.current&&r.current.contains(document.getSelection()?.anchorNode)&&_();return document.addEventListener("selectionchange",T),()=>document.removeEventListener("selectionchange",T)},[]);let S=T=>{T.inputType==="insertParagraph"&&ns(r.current)==="div"&&ve("formatBlock","p"),b(),_()},E=(T,P)=>{r.current.focus(),On(),ve(T,P),b(),_()},D=()=>E("formatBlock",ns(r.current)==="h2"?"p":"h2"),N=()=>{let T=document.getSelection();l.current=T&&T.rangeCount&&r.current.contains(T.anchorNode)?T.getRangeAt(0).cloneRange():null;let P=T?.anchorNode;for(;P&&P!==r.current&&P.tagName!=="A";)P=P.parentNode;f(""),w(P&&P.tagName==="A"?P.getAttribute("href")||"":"https://")};L(()=>{g!==null&&i.current?.focus()},[g!==null]);let R=()=>{r.current.focus();let T=document.getSelection();l.current&&(T.removeAllRanges(),T.addRange(l.current))},U=()=>{let T=g.trim();if(T&&!ss(T)){f("Only http, https, mailto and tel addresses, or relative ones.");return}R(),T?document.getSelection().isCollapsed?ve("insertHTML",je(`<a href="${T.replace(/[&"<>]/g,P=>`&#${P.charCodeAt(0)};`)}">${T.replace(/[&<>]/g,P=>`&#${P.charCodeAt(0)};`)}</a>`)):ve("createLink",T):ve("unlink"),w(null),b()},V=()=>{w(null),R()},W=T=>{if(!Fo(T)||T.altKey)return;let P=T.key.toLowerCase();P==="k"?(T.preventDefault(),N()):P==="b"||P==="i"?(T.preventDefault(),E(P==="b"?"bold":"italic")):(P==="z"||P==="y")&&(T.preventDefault(),E(P==="y"||T.shiftKey?"redo":"undo"))},F=T=>{let P=T.clipboardData;if(!P)return;T.preventDefault();let ce=P.getData("text/html");ce?ve("insertHTML",je(ce)):ve("insertText",P.getData("text/plain")),b()},$e=T=>{let P=[...a.current.querySelectorAll("button")],ce=P.indexOf(document.activeElement),ie=-1;T.key==="ArrowRight"?ie=(ce+1)%P.length:T.key==="ArrowLeft"?ie=(ce-1+P.length)%P.length:T.key==="Home"?ie=0:T.key==="End"&&(ie=P.length-1),!(ie<0)&&(T.preventDefault(),P.forEach((k,x)=>k.tabIndex=x===ie?0:-1),P[ie].focus())},q=()=>{p?t(je(h)):y(e||""),d(!p)},te=T=>T.preventDefault(),ee=(T,P,ce,ie,k,x)=>c`<button type="button" class="btn small icon" tabindex=${x?0:-1}
    aria-pressed=${ce===void 0?void 0:String(!!ce)} aria-keyshortcuts=${P||void 0}
    title=${P?`${T} (${P.replace("Control","Ctrl")})`:T} onMouseDown=${te} onClick=${ie} disabled=${p}>
    <span aria-hidden="true">${k}</span><span class="sr-only">${T}</span></button>`;return c`<div class="field rich-text">
    <span class="rich-label" id=${`${o}-label`}>${s}</span>
    <div class="rt-toolbar" role="toolbar" aria-label=${`Formatting of ${s}`} aria-controls=${p?void 0:o} ref=${a} onKeyDown=${$e}>
      ${ee("Bold","Control+B",u.bold,()=>E("bold"),c`<b>B</b>`,!0)}
      ${ee("Italic","Control+I",u.italic,()=>E("italic"),c`<i>I</i>`)}
      ${ee("Link","Control+K",void 0,N,Uo)}
      ${ee("Bulleted list","",u.ul,()=>E("insertUnorderedList"),"•≡")}
      ${ee("Numbered list","",u.ol,()=>E("insertOrderedList"),"1≡")}
      ${ee("Heading","",u.heading,D,"H")}
      ${ee("Undo","Control+Z",void 0,()=>E("undo"),"↶")}
      ${ee("Redo","Control+Shift+Z",void 0,()=>E("redo"),"↷")}
      <span class="rt-sep"></span>
      <label class="check small rt-source"><input type="checkbox" checked=${p} onChange=${q} /> Edit HTML</label>
    </div>
    ${g!==null&&c`<div class="rt-link" role="group" aria-label="Link">
      <label for=${`${o}-href`}>Link address</label>
      <input id=${`${o}-href`} ref=${i} type="text" inputmode="url" value=${g}
        aria-invalid=${v?"true":void 0} aria-describedby=${v?`${o}-href-err`:`${o}-href-hint`}
        onInput=${T=>w(T.currentTarget.value)}
        onKeyDown=${T=>{T.key==="Enter"&&(T.preventDefault(),U()),T.key==="Escape"&&(T.preventDefault(),T.stopPropagation(),V())}} />
      <button type="button" class="btn small" onClick=${U}>Apply link</button>
      <button type="button" class="btn small" onClick=${V}>Cancel</button>
      ${v?c`<p class="field-error" id=${`${o}-href-err`} role="alert">${v}</p>`:c`<p class="hint" id=${`${o}-href-hint`}>Empty removes the link.</p>`}
    </div>`}
    ${p?c`<textarea aria-labelledby=${`${o}-label`} rows="8" class="mono" spellcheck=${!1} value=${h}
          aria-invalid=${n?"true":void 0} aria-describedby=${n?`${o}-err`:`${o}-hint`}
          onInput=${T=>{y(T.currentTarget.value),t(T.currentTarget.value)}}></textarea>`:c`<div id=${o} ref=${r} class="rt-area" contenteditable="true" role="textbox" aria-multiline="true"
          aria-labelledby=${`${o}-label`} aria-invalid=${n?"true":void 0} aria-describedby=${n?`${o}-err`:void 0}
          onInput=${S} onKeyDown=${W} onPaste=${F} onFocus=${()=>{On(),_()}}></div>`}
    <${he} id=${o} error=${n} hint=${p?"Saved as typed. Back in the editor view, scripts, event handlers and tags it does not allow are removed.":""} />
  </div>`}function Mo(s){return s?String(s).replace(" ","T").slice(0,16):""}function Bo(s){return s?`${s.replace("T"," ")}:00.000Z`:""}function zo({field:s,value:e,onChange:t,error:n}){let o=H();return c`<div class="field">
    <label for=${o}>${s.name} <span class="muted small">(date, UTC)</span></label>
    <input id=${o} type="datetime-local" value=${Mo(e)} onInput=${r=>t(Bo(r.currentTarget.value))}
      aria-invalid=${n?"true":void 0} aria-describedby=${n?`${o}-err`:void 0} />
    <${he} id=${o} error=${n} />
  </div>`}function Ho({field:s,value:e,onChange:t,error:n}){let o=H(),r=(s.maxSelect||1)>1,a=s.values||[];if(r){let i=Array.isArray(e)?e:[];return c`<fieldset class="field choice">
      <legend>${s.name} <span class="muted small">(choose up to ${s.maxSelect})</span></legend>
      ${a.map(l=>c`<${z} key=${l} label=${l} checked=${i.includes(l)}
        onChange=${p=>t(p?[...i,l]:i.filter(d=>d!==l))} />`)}
      ${n&&c`<p class="field-error" role="alert">${n}</p>`}
    </fieldset>`}return c`<div class="field">
    <label for=${o}>${s.name}</label>
    <select id=${o} value=${e||""} onChange=${i=>t(i.currentTarget.value)}
      aria-invalid=${n?"true":void 0} aria-describedby=${n?`${o}-err`:void 0}>
      <option value="">— none —</option>
      ${a.map(i=>c`<option value=${i}>${i}</option>`)}
    </select>
    <${he} id=${o} error=${n} />
  </div>`}function Ko({field:s,value:e,onChange:t,error:n,onValidity:o}){let[r,a]=$(()=>e==null||e===""?"":JSON.stringify(e,null,2)),[i,l]=$("");return c`<${A} label=${`${s.name} (JSON)`} rows=${4} mono value=${r} error=${i||n}
    hint=${i?"":"Any JSON value: an object, a list, a string in quotes, a number, true, false or null."}
    onInput=${p=>{if(a(p),p.trim()===""){l(""),o?.(s.name,!0),t(null);return}try{let d=JSON.parse(p);l(""),o?.(s.name,!0),t(d)}catch(d){l(`Not valid JSON: ${d.message}`),o?.(s.name,!1)}}} />`}function Wo({field:s,value:e,onChange:t,error:n,all:o}){let r=H(),a=o.find(f=>f.id===s.collectionId),i=(s.maxSelect||1)>1,l=(Array.isArray(e)?e:e?[e]:[]).filter(Boolean),[p,d]=$(""),[h,y]=$([]),[u,m]=$({}),g=a?.fields?.find(f=>["text","email"].includes(f.type)&&f.name!=="id"&&!f.hidden)?.name,w=f=>g&&f[g]?`${f[g]} (${f.id})`:f.id;L(()=>{if(!a)return;let f=setTimeout(async()=>{let b=["id"];g&&b.push(g);let _=p?b.map(S=>C.filter(`${S} ~ {:q}`,{q:p})).join(" || "):"";try{let S=await C.collection(a.id).getList(1,8,{filter:_,skipTotal:!0});y(S.items),m(E=>({...E,...Object.fromEntries(S.items.map(D=>[D.id,w(D)]))}))}catch{y([])}},200);return()=>clearTimeout(f)},[p,a?.id]);let v=f=>t(i?f:f[f.length-1]||"");return c`<fieldset class="field relation">
    <legend>${s.name} <span class="muted small">(relation to ${a?.name||"?"}${i?`, up to ${s.maxSelect}`:""})</span></legend>
    <ul class="chips" aria-label=${`Chosen for ${s.name}`}>
      ${l.length===0&&c`<li class="muted small">Nothing chosen.</li>`}
      ${l.map(f=>c`<li key=${f}><span class="mono">${u[f]||f}</span>
        <button type="button" class="btn small" onClick=${()=>v(l.filter(b=>b!==f))}>Remove<span class="sr-only"> ${u[f]||f} from ${s.name}</span></button></li>`)}
    </ul>
    <label for=${r}>Search ${a?.name||"records"}</label>
    <input id=${r} type="search" value=${p} onInput=${f=>d(f.currentTarget.value)} placeholder=${g?`id or ${g}`:"id"}
      aria-describedby=${n?`${r}-err`:void 0} aria-invalid=${n?"true":void 0} />
    <ul class="picks">
      ${h.filter(f=>!l.includes(f.id)).map(f=>c`<li key=${f.id}>
        <button type="button" class="btn small link" onClick=${()=>v([...l,f.id])}>Choose ${w(f)}</button></li>`)}
    </ul>
    <${he} id=${r} error=${n} />
  </fieldset>`}var Jo=s=>/\.(png|jpe?g|gif|webp|svg)$/i.test(s);function Vo({field:s,record:e,files:t,onFiles:n,removed:o,onRemoved:r,error:a}){let i=H(),l=(s.maxSelect||1)>1,p=e?Array.isArray(e[s.name])?e[s.name]:e[s.name]?[e[s.name]]:[]:[];return c`<fieldset class="field files">
    <legend>${s.name} <span class="muted small">(file${l?`s, up to ${s.maxSelect}`:""})</span></legend>
    ${p.length>0&&c`<ul class="file-list" aria-label=${`Stored files of ${s.name}`}>
      ${p.map(d=>{let h=o.includes(d);return c`<li key=${d} class=${h?"gone":""}>
          ${Jo(d)?c`<img src=${C.files.getURL(e,d,{thumb:"100x100"})} alt=${`Thumbnail of ${d}`} width="50" height="50" />`:c`<span class="file-icon" aria-hidden="true">📄</span>`}
          <a href=${C.files.getURL(e,d)} target="_blank" rel="noopener" class="mono small">${d}</a>
          <button type="button" class="btn small" onClick=${()=>r(h?o.filter(y=>y!==d):[...o,d])}>
            ${h?"Keep":"Remove"}<span class="sr-only"> ${d}</span></button>
          ${h&&c`<span class="small warn-note">removed on save</span>`}
        </li>`})}
    </ul>`}
    <label for=${i}>${l||!p.length?"Upload":"Replace with"} <span class="sr-only">${s.name}</span></label>
    <input id=${i} type="file" multiple=${l} accept=${(s.mimeTypes||[]).join(",")||void 0}
      onChange=${d=>n([...d.currentTarget.files])} aria-invalid=${a?"true":void 0}
      aria-describedby=${a?`${i}-err`:void 0} />
    ${t.length>0&&c`<ul class="file-list new" aria-label=${`New files of ${s.name}`}>${t.map(d=>c`<li key=${d.name}>
      ${d.type.startsWith("image/")&&c`<${Go} file=${d} />`}<span class="mono small">${d.name}</span> <span class="muted small">${Math.ceil(d.size/1024)} KB, uploaded on save</span></li>`)}</ul>`}
    <${he} id=${i} error=${a} />
  </fieldset>`}function Go({file:s}){let[e,t]=$("");return L(()=>{let n=URL.createObjectURL(s);return t(n),()=>URL.revokeObjectURL(n)},[s]),e?c`<img src=${e} alt=${`Preview of ${s.name}`} width="50" height="50" />`:null}function En(s){let{field:e,value:t,onChange:n,error:o}=s,r=e.name;switch(e.type){case"number":return c`<${ne} label=${r} value=${t} onChange=${n} error=${o} step="any" />`;case"bool":return c`<${z} label=${r} checked=${t} onChange=${n} error=${o} />`;case"email":return c`<${A} label=${r} type="email" value=${t} onInput=${n} error=${o} />`;case"url":return c`<${A} label=${r} type="url" value=${t} onInput=${n} error=${o} placeholder="https://" />`;case"editor":return c`<${In} label=${r} value=${t} onChange=${n} error=${o} />`;case"date":return c`<${zo} ...${s} />`;case"select":return c`<${Ho} ...${s} />`;case"json":case"geoPoint":return c`<${Ko} ...${s} />`;case"relation":return c`<${Wo} ...${s} />`;case"file":return c`<${Vo} ...${s} />`;default:return c`<${A} label=${r} value=${t} onInput=${n} error=${o}
        rows=${e.max>255||e.type==="text"&&e.max===0,void 0} />`}}var Qo=new Set(["id","password","tokenKey","email","emailVisibility","verified"]),Yo=s=>(s.fields||[]).filter(e=>!Qo.has(e.name)&&e.type!=="autodate"&&e.type!=="password");function Xo({title:s,onClose:e,children:t}){let n=J(null);return L(()=>{n.current?.showModal()},[]),c`<dialog ref=${n} class="side-panel" aria-labelledby="panel-h" onCancel=${o=>{o.preventDefault(),e()}}>
    <div class="panel-head"><h2 id="panel-h">${s}</h2><button type="button" class="btn small" onClick=${e}>Close</button></div>
    ${t}
  </dialog>`}function Ln({collection:s,record:e,all:t,onClose:n,onSaved:o}){let r=!e,a=s.type==="auth",i=s.type==="view",l=Yo(s),[p,d]=$(()=>{let k={};for(let x of l)k[x.name]=e?e[x.name]:x.type==="bool"?!1:x.type==="relation"||x.type==="file"||x.type==="select"&&x.maxSelect>1?[]:x.type==="number"?null:"";return a&&Object.assign(k,{email:e?.email||"",emailVisibility:!!e?.emailVisibility,verified:!!e?.verified,password:"",passwordConfirm:""}),r&&(k.id=""),k}),[h,y]=$({}),[u,m]=$({}),[g,w]=$({}),[v,f]=$({message:"",fields:{}}),[b,_]=$(!1),[S,E]=$(!1),[D,N]=$(null),[R,U]=$(""),[V,W]=$(3600),F=k=>x=>{d(I=>({...I,[k]:x})),f(I=>I.fields[k]?{...I,fields:{...I.fields,[k]:void 0}}:I)},$e=async k=>{if(k.preventDefault(),Object.values(g).some(I=>!I)){f({message:"Fix the JSON fields first.",fields:{}});return}_(!0);let x={...p};!r&&a&&!x.password&&(delete x.password,delete x.passwordConfirm),r&&!x.id&&delete x.id;for(let I of l)if(I.type==="file"){delete x[I.name];let G=h[I.name]||[];G.length&&(x[I.name]=(I.maxSelect||1)>1?G:G[0]),(u[I.name]||[]).length&&!((I.maxSelect||1)<=1&&G.length)&&(x[`${I.name}-`]=u[I.name])}if(!r&&e.updated)try{let I=await C.collection(s.id).getOne(e.id,{fields:"updated"});if(I.updated&&I.updated!==e.updated){N({body:x,updated:I.updated}),_(!1);return}}catch{}await q(x)},q=async k=>{_(!0);try{let x=r?await C.collection(s.id).create(k):await C.collection(s.id).update(e.id,k);B(r?`Record ${x.id} created`:"Saved"),o(x)}catch(x){f(j(x))}finally{_(!1),N(null)}},te=async()=>{_(!0);try{await C.collection(s.id).delete(e.id),B(`Record ${e.id} deleted`),o(null)}catch(k){f(j(k)),E(!1)}finally{_(!1)}},ee=async()=>{try{await C.collection(s.id).requestPasswordReset(e.email),B(`A password reset mail was sent to ${e.email}`)}catch(k){B(j(k).message,"error")}},T=async()=>{try{let k=await C.collection(s.id).impersonate(e.id,V||0);U(k.authStore.token)}catch(k){B(j(k).message,"error")}},P=v.fields,ce=new Set([...l.map(k=>k.name),"id","email","emailVisibility","verified","password","passwordConfirm"]),ie=Object.entries(P).filter(([k,x])=>x&&!ce.has(k.replace(/-$/,"").split(".")[0]));return c`<${Xo} title=${r?`New ${s.name} record`:`${i?"View":"Edit"} ${s.name} record`} onClose=${n}>
    <form class="panel-body" onSubmit=${$e} novalidate>
      <fieldset class="plain" disabled=${i}><legend class="sr-only">Fields</legend>
      ${r?c`<${A} label="id" value=${p.id} onInput=${F("id")} error=${P.id} hint="Leave empty for a random id." mono />`:c`<p class="muted small">id <span class="mono">${e.id}</span>${e.created?` · created ${e.created}`:""}${e.updated?` · updated ${e.updated}`:""}</p>`}
      ${a&&c`
        <${A} label="email" type="email" value=${p.email} onInput=${F("email")} error=${P.email} />
        <${z} label="Email visible to others (emailVisibility)" checked=${p.emailVisibility} onChange=${F("emailVisibility")} />
        <${z} label="Verified" checked=${p.verified} onChange=${F("verified")} error=${P.verified} />
        <${A} label=${r?"password":"New password"} type="password" autocomplete="new-password" value=${p.password} onInput=${F("password")} error=${P.password} hint=${r?"":"Leave empty to keep the password."} />
        <${A} label="Confirm password" type="password" autocomplete="new-password" value=${p.passwordConfirm} onInput=${F("passwordConfirm")} error=${P.passwordConfirm} />
      `}
      ${l.map(k=>c`<${En} key=${k.name} field=${k} value=${p[k.name]} onChange=${F(k.name)} error=${P[k.name]||P[`${k.name}-`]}
        all=${t} record=${e} files=${h[k.name]||[]} onFiles=${x=>y(I=>({...I,[k.name]:x}))}
        removed=${u[k.name]||[]} onRemoved=${x=>m(I=>({...I,[k.name]:x}))}
        onValidity=${(x,I)=>w(G=>({...G,[x]:I}))} />`)}
      </fieldset>
      <${oe} message=${v.message&&(ie.length?`${v.message} ${ie.map(([k,x])=>`${k}: ${x}`).join("; ")}`:Object.keys(P).length?"":v.message)} />
      <div class="actions panel-actions">
        ${i&&c`<p class="muted small">A view collection is read-only: its rows come from its query.</p>`}
        ${!i&&c`<button type="submit" class="btn primary" disabled=${b}>${r?"Create record":"Save record"}</button>`}
        <button type="button" class="btn" onClick=${n}>${i?"Close":"Cancel"}</button>
        ${!r&&!i&&c`<button type="button" class="btn danger" onClick=${()=>E(!0)}>Delete record</button>`}
      </div>
    </form>
    ${!r&&a&&c`<section class="panel-body auth-tools" aria-labelledby="auth-tools-h">
      <h3 id="auth-tools-h">Account</h3>
      <p><button type="button" class="btn" onClick=${ee}>Send password reset mail</button> <span class="muted small">to ${e.email}</span></p>
      <div class="inline-form">
        <${ne} label="Token lifetime (seconds, 0 = the collection's default)" value=${V} onChange=${W} min="0" />
        <button type="button" class="btn" onClick=${T}>Impersonate</button>
      </div>
      ${R&&c`<${A} label="Auth token of this user (not refreshable)" rows=${3} mono readonly value=${R}
        hint="Send it as the Authorization header to act as this user." />`}
    </section>`}
    <${le} open=${!!D} title="This record changed meanwhile" confirmLabel="Save my version" danger busy=${b}
      onConfirm=${()=>q(D.body)} onCancel=${()=>N(null)}>
      <p>It was saved again at ${D?.updated}, after you opened it. Saving your version overwrites those changes. Cancel, then close and reopen the record to see them.</p>
    <//>
    <${le} open=${S} title="Delete this record?" confirmLabel="Delete" danger busy=${b} onConfirm=${te} onCancel=${()=>E(!1)}>
      <p>Record <span class="mono">${e?.id}</span> of ${s.name} is deleted for good.</p>
    <//>
  <//>`}var Pn=[{value:"list",label:"List/Search (listRule)",key:"listRule"},{value:"view",label:"View (viewRule)",key:"viewRule"},{value:"update",label:"Update (updateRule)",key:"updateRule"},{value:"delete",label:"Delete (deleteRule)",key:"deleteRule"}];function An({params:s}){let{items:e,loaded:t}=Z(ae),n=e.find(q=>q.id===s.id||q.name===s.id),o=e.filter(q=>q.type==="auth"),[r,a]=$("list"),[i,l]=$(""),[p,d]=$(""),[h,y]=$([]),[u,m]=$(null),[g,w]=$(!1),[v,f]=$(""),[b,_]=$(null),[S,E]=$({message:"",fields:{}}),[D,N]=$(!1),R=H(),U=Je(g?null:u,n,"rule");if(L(()=>{re()},[]),L(()=>{if(!n)return;let q=n[Pn.find(te=>te.value===r).key];w(q==null),m(q??""),_(null)},[n?.id,r]),L(()=>{if(d(""),!i)return y([]);C.collection(i).getList(1,50,{sort:"email"}).then(q=>y(q.items)).catch(()=>y([]))},[i]),!n)return c`<div class="page"><h1 tabindex="-1">Rule tester</h1><p role="status">${t?"There is no such collection.":"Loading…"}</p></div>`;let V=async q=>{q.preventDefault(),N(!0);try{let te={action:r,rule:g?null:u,authCollection:i,authId:i?p:"",filter:v,perPage:50};_(await C.send(`/api/collections/${encodeURIComponent(n.id)}/rule-test`,{method:"POST",body:te})),E({message:"",fields:{}})}catch(te){E(j(te)),_(null)}finally{N(!1)}},W=U.state==="error"&&U.message||S.fields.rule||"",F=Ge(n).filter(q=>q.name!=="created"&&q.name!=="updated").slice(0,5),$e=i?h.find(q=>q.id===p)?.email||p||"?":"a guest";return c`<div class="page rule-tester">
    <div class="page-head">
      <div>
        <p class="crumbs"><a href="#/collections">Collections</a> / <a href=${`#/collections/${n.id}`}>${n.name}</a></p>
        <h1 tabindex="-1">Rule tester: ${n.name}</h1>
      </div>
    </div>
    <p class="muted">Try a rule as a given user before saving it: the table shows the records it lets that user reach. Nothing is changed.</p>
    <form class="card tester-form" onSubmit=${V}>
      <div class="grid">
        <${se} label="Action" value=${r} onChange=${a} options=${Pn} error=${S.fields.action} />
        <${se} label="Requester's auth collection" value=${i} onChange=${l}
          options=${[{value:"",label:"Guest (not logged in)"},...o.map(q=>({value:q.id,label:q.name}))]} error=${S.fields.authCollection} />
        ${i&&c`<${se} label="Requester" value=${p} onChange=${d} error=${S.fields.authId}
          options=${[{value:"",label:h.length?"— choose a record —":"No records in this collection"},...h.map(q=>({value:q.id,label:q.email?`${q.email} (${q.id})`:q.id}))]} />`}
      </div>
      <${z} label="Superusers only (no rule: nobody else passes)" checked=${g} onChange=${w} />
      ${!g&&c`<div class="field">
        <label for=${R}>Rule to try</label>
        <${Ve} id=${R} value=${u} onChange=${m} collection=${n} all=${e} invalid=${!!W}
          describedBy=${`${R}-hint${W?` ${R}-err`:""}`} />
        <p class="hint" id=${`${R}-hint`}>Prefilled with the saved rule; empty lets everyone through.${U.state==="ok"?c` <span class="ok-note">Valid rule.</span>`:""}</p>
        <div aria-live="polite">${W&&c`<p class="field-error" id=${`${R}-err`}>${W}</p>`}</div>
      </div>`}
      <${A} label="Only among records matching (optional filter)" value=${v} onInput=${f} error=${S.fields.filter} mono />
      <${oe} message=${S.message&&!Object.keys(S.fields).length?S.message:""} />
      <div class="actions"><button type="submit" class="btn primary" disabled=${D||i&&!p}>Run test</button></div>
    </form>
    ${b&&c`<section aria-labelledby="tester-res-h" class="tester-result">
      <h2 id="tester-res-h">Result</h2>
      <p role="status">${b.locked?"The rule is locked: only superusers pass, so this requester reaches no record.":`${$e} can ${r} ${b.totalItems} record${b.totalItems===1?"":"s"}${b.items.length<b.totalItems?` (the first ${b.items.length} shown)`:""}.`}</p>
      ${b.items.length>0&&c`<div class="table-wrap"><table class="list">
        <caption class="sr-only">Records the rule lets through</caption>
        <thead><tr>${F.map(q=>c`<th scope="col">${q.name}</th>`)}</tr></thead>
        <tbody>${b.items.map(q=>c`<tr key=${q.id}>${F.map(te=>c`<td>${os(te,q[te.name],q)}</td>`)}</tr>`)}</tbody>
      </table></div>`}
    </section>`}
  </div>`}var Zo=[20,50,100];function os(s,e,t){if(e==null||e===""||Array.isArray(e)&&!e.length)return c`<span class="muted">—</span>`;if(s?.type==="bool")return e?"yes":"no";if(s?.type==="file"){let o=Array.isArray(e)?e:[e];return c`<span class="thumbs">${o.slice(0,3).map(r=>/\.(png|jpe?g|gif|webp)$/i.test(r)?c`<img src=${C.files.getURL(t,r,{thumb:"100x100"})} alt=${r} width="28" height="28" />`:c`<span class="mono small">${r}</span>`)}${o.length>3?` +${o.length-3}`:""}</span>`}let n=typeof e=="object"?JSON.stringify(e):String(e);return s?.type==="editor"&&(n=Rn(n)),n.length>60?`${n.slice(0,60)}…`:n}var Ge=s=>(s.fields||[]).filter(e=>e.type!=="password"&&e.name!=="tokenKey"&&!e.hidden||e.name==="id");function er(s){let e=Ge(s).map(n=>n.name),t=e.filter(n=>n!=="created"&&n!=="updated").slice(0,5);return e.includes("updated")?[...t,"updated"]:t}function tr({params:s,query:e}){let{items:t,loaded:n}=Z(ae),o=t.find(O=>O.id===s.id||O.name===s.id),[r,a]=$(e.filter||""),[i,l]=$(e.filter||""),[p,d]=$(null),[h,y]=$(1),[u,m]=$(20),[g,w]=$(null),[v,f]=$(""),[b,_]=$(null),[S,E]=$([]),[D,N]=$(null),[R,U]=$(!1),[V,W]=$(!1),[F,$e]=$(0),q=p??(o?.fields?.some(O=>O.name==="created")?"-created":""),te=Je(r,o,"filter"),ee=H();if(L(()=>{re()},[]),L(()=>{o&&_(JSON.parse(localStorage.getItem(`galley_cols_${o.id}`)||"null")||er(o))},[o?.id]),L(()=>{if(!o)return;let O=!1;return C.collection(o.id).getList(h,u,{filter:i,sort:q}).then(M=>!O&&(w(M),f(""))).catch(M=>!O&&f(j(M).fields.filter||j(M).message)),()=>{O=!0}},[o?.id,i,q,h,u,F]),!o)return c`<div class="page"><h1 tabindex="-1">Records</h1><p role="status">${n?"There is no such collection.":"Loading…"}</p></div>`;let T=Ge(o).filter(O=>(b||[]).includes(O.name)),P=g?.items||[],ce=P.length>0&&P.every(O=>S.includes(O.id)),ie=(O,M)=>{let fe=M?[...b||[],O]:(b||[]).filter(be=>be!==O);_(fe),localStorage.setItem(`galley_cols_${o.id}`,JSON.stringify(fe))},k=O=>{d(q===O?`-${O}`:O),y(1)},x=async()=>{W(!0);let O=0;for(let M of S)await C.collection(o.id).delete(M).catch(()=>O++);W(!1),U(!1),B(O?`${S.length-O} deleted, ${O} could not be deleted`:`${S.length} records deleted`,O?"error":"ok"),E([]),$e(M=>M+1)},I=o.type==="view",G=te.state==="error"&&te.message||r===i&&v||"";return c`<div class="page records">
    <div class="page-head">
      <div>
        <p class="crumbs"><a href="#/collections">Collections</a> / ${o.type} collection</p>
        <h1 tabindex="-1">${o.name}</h1>
      </div>
      <div class="actions">
        <a class="btn" href=${`#/collections/${o.id}/rule-test`}>Rule tester</a>
        <a class="btn" href=${`#/collections/${o.id}/edit`}>Edit collection</a>
        ${!I&&c`<button type="button" class="btn primary" onClick=${()=>N({new:!0})}>New record</button>`}
      </div>
    </div>
    <form class="filter-bar" role="search" onSubmit=${O=>{O.preventDefault(),l(r),y(1)}}>
      <div class="grow">
        <label for=${ee}>Filter</label>
        <${Ve} id=${ee} value=${r} onChange=${a} collection=${o} all=${t} rows=${1}
          placeholder='Example: title ~ "hello"' invalid=${!!G}
          describedBy=${`${ee}-hint${G?` ${ee}-err`:""}`} />
        <p class="hint" id=${`${ee}-hint`}>The filter language of the API: press Enter to apply, Ctrl+Space for suggestions.${te.state==="ok"?c` <span class="ok-note">Valid filter.</span>`:""}</p>
        <div aria-live="polite">${G&&c`<p class="field-error" id=${`${ee}-err`}>${G}</p>`}</div>
      </div>
      <div class="filter-buttons">
        <button type="submit" class="btn">Apply filter</button>
        ${i&&c`<button type="button" class="btn" onClick=${()=>{a(""),l(""),y(1)}}>Clear</button>`}
      </div>
    </form>
    <div class="table-tools">
      <details class="columns">
        <summary>Columns (${T.length})</summary>
        <fieldset><legend class="sr-only">Columns shown</legend>
          ${Ge(o).map(O=>c`<span class="check inline" key=${O.name}>
            <input type="checkbox" id=${`col-${O.name}`} checked=${(b||[]).includes(O.name)} onChange=${M=>ie(O.name,M.currentTarget.checked)} />
            <label for=${`col-${O.name}`}>Show ${O.name}</label></span>`)}
        </fieldset>
      </details>
      ${S.length>0&&!I&&c`<button type="button" class="btn danger" onClick=${()=>U(!0)}>Delete selected (${S.length})</button>`}
      <span class="muted small" role="status">${g?`${g.totalItems} record${g.totalItems===1?"":"s"}${i?" match the filter":""}`:"Loading…"}</span>
    </div>
    ${g&&g.totalItems===0&&!i&&c`<div class="empty"><h2>No records yet</h2>
      <p>${I?"This view shows the rows of its query; there are none now.":c`Records are the rows of ${o.name}. Add the first with “New record”, or through the API: <code>POST /api/collections/${o.name}/records</code>.`}</p></div>`}
    ${g&&(g.totalItems>0||i)&&c`<div class="table-wrap">
      <table class="list records-table">
        <caption class="sr-only">Records of ${o.name}, ${q?`sorted by ${q.replace(/^-/,"")} ${q.startsWith("-")?"descending":"ascending"}`:""}</caption>
        <thead><tr>
          ${!I&&c`<th scope="col" class="pick"><input type="checkbox" aria-label="Select all records on this page" checked=${ce}
            onChange=${O=>E(O.currentTarget.checked?[...new Set([...S,...P.map(M=>M.id)])]:S.filter(M=>!P.some(fe=>fe.id===M)))} /></th>`}
          ${T.map(O=>{let M=q===O.name?"ascending":q===`-${O.name}`?"descending":void 0;return c`<th scope="col" aria-sort=${M}><button type="button" class="sort" onClick=${()=>k(O.name)}>
              ${O.name}<span aria-hidden="true">${M==="ascending"?" ▲":M==="descending"?" ▼":""}</span><span class="sr-only">, sort</span></button></th>`})}
          <th scope="col"><span class="sr-only">Actions</span></th>
        </tr></thead>
        <tbody>
          ${P.length===0&&c`<tr><td colspan=${T.length+2} class="muted">No record matches the filter.</td></tr>`}
          ${P.map(O=>c`<tr key=${O.id}>
            ${!I&&c`<td class="pick"><input type="checkbox" aria-label=${`Select record ${O.id}`} checked=${S.includes(O.id)}
              onChange=${M=>E(M.currentTarget.checked?[...S,O.id]:S.filter(fe=>fe!==O.id))} /></td>`}
            ${T.map(M=>c`<td class=${M.name==="id"?"mono small":""}>${os(M,O[M.name],O)}</td>`)}
            <td><button type="button" class="btn small" onClick=${()=>N({record:O})}>${I?"View":"Edit"}<span class="sr-only"> record ${O.id}</span></button></td>
          </tr>`)}
        </tbody>
      </table>
    </div>
    <nav class="pager" aria-label="Pages">
      <button type="button" class="btn small" disabled=${h<=1} onClick=${()=>y(h-1)}>Previous page</button>
      <span class="small">Page ${g.page} of ${Math.max(1,g.totalPages)}</span>
      <button type="button" class="btn small" disabled=${h>=g.totalPages} onClick=${()=>y(h+1)}>Next page</button>
      <label class="small" for="per-page">Per page</label>
      <select id="per-page" value=${u} onChange=${O=>{m(Number(O.currentTarget.value)),y(1)}}>
        ${Zo.map(O=>c`<option value=${O}>${O}</option>`)}
      </select>
    </nav>`}
    ${D&&c`<${Ln} key=${D.record?.id||"new"} collection=${o} record=${D.record} all=${t}
      onClose=${()=>N(null)} onSaved=${()=>{N(null),$e(O=>O+1)}} />`}
    <${le} open=${R} title=${`Delete ${S.length} records?`} confirmLabel="Delete them" danger busy=${V}
      onConfirm=${x} onCancel=${()=>U(!1)}>
      <p>The ${S.length} selected records of ${o.name} are deleted for good.</p>
    <//>
  </div>`}function Nn(){Q("/collections/:id",tr,{title:"Records",priority:-.5}),Q("/collections/:id/rule-test",An,{title:"Rule tester"})}var nr={"-4":"debug",0:"info",4:"warning",8:"error"},or=s=>`${nr[s]||"level"} (${s})`,Qe=800,xe=160,Se=28;function rr({stats:s}){if(!s.length)return c`<p class="muted">No requests in this period.</p>`;let e=Math.max(...s.map(r=>r.total),1),t=Math.min((Qe-Se*2)/s.length,48),o=`Requests over time: ${s.reduce((r,a)=>r+a.total,0)} requests from ${s[0].date} to ${s[s.length-1].date}, at most ${e} in an hour.`;return c`<svg class="chart" viewBox=${`0 0 ${Qe} ${xe+24}`} role="img" aria-label=${o}>
    <line class="gridline" x1=${Se} x2=${Qe-Se} y1=${xe} y2=${xe} />
    <line class="gridline" x1=${Se} x2=${Qe-Se} y1=${8} y2=${8} />
    <text class="axis" x="2" y="14">${e}</text>
    <text class="axis" x="2" y=${xe}>0</text>
    ${s.map((r,a)=>{let i=Math.max(1,(xe-8)*r.total/e);return c`<rect class="bar" x=${Se+a*t+1} y=${xe-i} width=${Math.max(1,t-2)} height=${i}><title>${r.date}: ${r.total}</title></rect>`})}
    <text class="axis" x=${Se} y=${xe+18}>${String(s[0].date).slice(0,16)}</text>
    <text class="axis" x=${Qe-Se} y=${xe+18} text-anchor="end">${String(s[s.length-1].date).slice(0,16)}</text>
  </svg>`}function ir({id:s,onClose:e}){let t=J(null),[n,o]=$(null),[r,a]=$("");L(()=>{t.current?.showModal(),C.logs.getOne(s).then(o).catch(l=>a(j(l).message))},[s]);let i=n?.data||{};return c`<dialog ref=${t} class="side-panel" aria-labelledby="log-h" onCancel=${l=>{l.preventDefault(),e()}}>
    <div class="panel-head"><h2 id="log-h">Log ${s}</h2><button type="button" class="btn small" onClick=${e}>Close</button></div>
    <div class="panel-body log-detail">
      ${r&&c`<p class="field-error" role="alert">${r}</p>`}
      ${!n&&!r&&c`<p role="status">Loading…</p>`}
      ${n&&c`<dl>
        <dt>When</dt><dd>${n.created}</dd>
        <dt>Level</dt><dd>${or(n.level)}</dd>
        <dt>Message</dt><dd>${n.message}</dd>
        ${Object.entries(i).map(([l,p])=>c`<dt>${l}</dt><dd class="mono small">${typeof p=="object"?JSON.stringify(p):String(p)}</dd>`)}
      </dl>
      <h3>Raw</h3><pre class="mono small">${JSON.stringify(n,null,2)}</pre>`}
    </div>
  </dialog>`}function ar(){let[s,e]=$(""),[t,n]=$(""),[o,r]=$(1),[a,i]=$(null),[l,p]=$(null),[d,h]=$(""),[y,u]=$(null),[m,g]=$(0),w=H();return L(()=>{let v=!1;return Promise.all([C.logs.getList(o,30,{filter:t,sort:"-created"}),C.logs.getStats({filter:t})]).then(([f,b])=>{v||(i(f),p(b),h(""))}).catch(f=>!v&&h(j(f).fields.filter||j(f).message)),()=>{v=!0}},[t,o,m]),c`<div class="page logs">
    <div class="page-head"><h1 tabindex="-1">Logs</h1>
      <div class="actions"><button type="button" class="btn" onClick=${()=>g(v=>v+1)}>Refresh</button></div></div>
    <p class="muted">Every API request, newest first. Filter with the filter language over the log's fields, for example <code>data.status >= 400</code>, <code>data.method = "POST"</code> or <code>data.url ~ "/api/collections"</code>.</p>
    <form class="filter-bar" role="search" onSubmit=${v=>{v.preventDefault(),n(s),r(1)}}>
      <div class="grow">
        <label for=${w}>Filter</label>
        <input id=${w} type="text" class="mono" value=${s} onInput=${v=>e(v.currentTarget.value)} placeholder="data.status >= 400"
          aria-invalid=${d?"true":void 0} aria-describedby=${d?`${w}-err`:void 0} />
        ${d&&c`<p class="field-error" id=${`${w}-err`} role="alert">${d}</p>`}
      </div>
      <div class="filter-buttons"><button type="submit" class="btn">Apply filter</button>
        ${t&&c`<button type="button" class="btn" onClick=${()=>{e(""),n("")}}>Clear</button>`}</div>
    </form>
    ${l&&c`<section aria-labelledby="chart-h"><h2 id="chart-h" class="sub">Requests per hour</h2><${rr} stats=${l} /></section>`}
    ${a&&c`<p class="muted small" role="status">${a.totalItems} log${a.totalItems===1?"":"s"}${t?" match the filter":""}</p>
    <div class="table-wrap"><table class="list">
      <caption class="sr-only">Request logs, newest first</caption>
      <thead><tr><th scope="col">When</th><th scope="col">Method</th><th scope="col">URL</th><th scope="col">Status</th><th scope="col">Time</th><th scope="col"><span class="sr-only">Details</span></th></tr></thead>
      <tbody>
        ${a.items.length===0&&c`<tr><td colspan="6" class="muted">No logs${t?" match the filter":" yet"}.</td></tr>`}
        ${a.items.map(v=>c`<tr key=${v.id}>
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
      <button type="button" class="btn small" disabled=${o<=1} onClick=${()=>r(o-1)}>Previous page</button>
      <span class="small">Page ${a.page} of ${Math.max(1,a.totalPages)}</span>
      <button type="button" class="btn small" disabled=${o>=a.totalPages} onClick=${()=>r(o+1)}>Next page</button>
    </nav>`}
    ${y&&c`<${ir} id=${y} onClose=${()=>u(null)} />`}
  </div>`}function qn(){Q("/logs",ar,{title:"Logs"}),ye({label:"Logs",href:"#/logs",order:20})}var rs=[["application","Application"],["mail","Mail"],["storage","Storage"],["backups","Backups"],["limits","Limits and proxy"],["superusers","Superusers"]],cr={application:["meta"],mail:["smtp","meta"],storage:["s3"],backups:["backups"],limits:["rateLimits","trustedProxy","batch"]};function dr(){let[s,e]=$(null),[t,n]=$("");return L(()=>{C.settings.getAll().then(e).catch(o=>n(j(o).message))},[]),[s,e,t]}function ur({tab:s,s:e,setS:t}){let[n,o]=$({message:"",fields:{}}),[r,a]=$(!1),i=n.fields,l=(g,w)=>v=>t(f=>({...f,[g]:{...f[g],[w]:v}})),p=async g=>{g.preventDefault(),a(!0);try{let w=Object.fromEntries(cr[s].map(f=>[f,e[f]])),v=await C.settings.update(w);t(v),o({message:"",fields:{}}),B("Settings saved")}catch(w){o(j(w))}finally{a(!1)}},d=(g,w,v,f={})=>c`<${A} label=${v} value=${e[g][w]} onInput=${l(g,w)} error=${i[`${g}.${w}`]} ...${f} />`,h=(g,w,v,f={})=>c`<${ne} label=${v} value=${e[g][w]} onChange=${l(g,w)} error=${i[`${g}.${w}`]} ...${f} />`,y=(g,w,v,f={})=>c`<${z} label=${v} checked=${e[g][w]} onChange=${l(g,w)} error=${i[`${g}.${w}`]} ...${f} />`,u;if(s==="application")u=c`
      ${d("meta","appName","Application name",{hint:"Shown in mails and page titles."})}
      ${d("meta","appURL","Application URL",{type:"url",hint:"The public address of the app; links in mails point there."})}
      ${y("meta","hideControls","Hide collection create and edit controls")}`;else if(s==="mail")u=c`
      ${d("meta","senderName","Sender name")}
      ${d("meta","senderAddress","Sender address",{type:"email"})}
      ${y("smtp","enabled","Send through an SMTP server",{hint:"Otherwise mails are not sent: the server logs them instead."})}
      ${e.smtp.enabled&&c`<div class="grid">
        ${d("smtp","host","SMTP host")}
        ${h("smtp","port","SMTP port")}
        ${d("smtp","username","SMTP username",{autocomplete:"off"})}
        ${d("smtp","password","SMTP password",{type:"password",autocomplete:"new-password",hint:"Kept when left empty."})}
        <${se} label="SMTP auth method" value=${e.smtp.authMethod||"PLAIN"} onChange=${l("smtp","authMethod")} options=${["PLAIN","LOGIN"]} error=${i["smtp.authMethod"]} />
        ${d("smtp","localName","Local name (HELO)",{hint:"Optional."})}
      </div>
      ${y("smtp","tls","Use TLS")}`}`;else if(s==="storage")u=c`
      ${y("s3","enabled","Store files in S3-compatible storage",{hint:"Otherwise files stay on the local disk beside the data."})}
      ${e.s3.enabled&&c`<div class="grid">
        ${d("s3","endpoint","S3 endpoint",{type:"url"})}
        ${d("s3","bucket","Bucket")}
        ${d("s3","region","Region")}
        ${d("s3","accessKey","Access key",{autocomplete:"off"})}
        ${d("s3","secret","Secret",{type:"password",autocomplete:"new-password",hint:"Kept when left empty."})}
      </div>
      ${y("s3","forcePathStyle","Force path-style addressing")}`}`;else if(s==="backups"){let g=e.backups||{},w=g.s3||{},v=_=>S=>t(E=>({...E,backups:{...E.backups,[_]:S}})),f=_=>S=>t(E=>({...E,backups:{...E.backups,s3:{...E.backups?.s3||{},[_]:S}}})),b=(_,S,E={})=>c`<${A} label=${S} value=${w[_]} onInput=${f(_)} error=${i[`backups.s3.${_}`]} ...${E} />`;u=c`
      <p class="hint">Backups can also be made by hand on the <a href="#/backups">Backups and jobs</a> screen.</p>
      <div class="grid">
        <${A} label="Backup schedule (cron, UTC)" value=${g.cron} onInput=${v("cron")} error=${i["backups.cron"]} mono
          hint='For example "0 3 * * *" for every night at 03:00; empty turns them off.' />
        <${ne} label="Automatic backups kept" value=${g.cronMaxKeep} onChange=${v("cronMaxKeep")} error=${i["backups.cronMaxKeep"]}
          hint="The oldest automatic backups beyond this number are deleted." />
      </div>
      <${z} label="Keep backups in S3-compatible storage" checked=${w.enabled} onChange=${f("enabled")} error=${i["backups.s3.enabled"]}
        hint="Otherwise they stay on the local disk beside the data." />
      ${w.enabled&&c`<div class="grid">
        ${b("endpoint","Backups S3 endpoint",{type:"url"})}
        ${b("bucket","Backups bucket")}
        ${b("region","Backups region")}
        ${b("accessKey","Backups access key",{autocomplete:"off"})}
        ${b("secret","Backups secret",{type:"password",autocomplete:"new-password",hint:"Kept when left empty."})}
      </div>
      <${z} label="Force path-style addressing for backups" checked=${w.forcePathStyle} onChange=${f("forcePathStyle")} />`}`}else if(s==="limits"){let g=e.rateLimits.rules||[],w=(v,f)=>b=>l("rateLimits","rules")(g.map((_,S)=>S===v?{..._,[f]:b}:_));u=c`
      <fieldset><legend>Rate limits</legend>
        ${y("rateLimits","enabled","Limit requests per client")}
        <p class="hint">A label is a path prefix ("/api/"), a method and path ("POST /api/batch"), or a collection action ("posts:create", "*:auth").</p>
        ${g.map((v,f)=>c`<div class="grid rate-rule" key=${f} role="group" aria-label=${`Rate limit ${f+1}`}>
          <${A} label="Label" value=${v.label} onInput=${w(f,"label")} error=${i[`rateLimits.rules.${f}.label`]} mono />
          <${se} label="Audience" value=${v.audience||""} onChange=${w(f,"audience")} options=${[{value:"",label:"everyone"},{value:"@guest",label:"guests"},{value:"@auth",label:"logged in"}]} />
          <${ne} label="Per seconds" value=${v.duration} onChange=${w(f,"duration")} error=${i[`rateLimits.rules.${f}.duration`]} />
          <${ne} label="Max requests" value=${v.maxRequests} onChange=${w(f,"maxRequests")} error=${i[`rateLimits.rules.${f}.maxRequests`]} />
          <div><button type="button" class="btn small" onClick=${()=>l("rateLimits","rules")(g.filter((b,_)=>_!==f))}>Remove rate limit ${f+1}</button></div>
        </div>`)}
        <button type="button" class="btn small" onClick=${()=>l("rateLimits","rules")([...g,{label:"",audience:"",duration:10,maxRequests:100}])}>Add rate limit</button>
      </fieldset>
      <fieldset><legend>Trusted proxy</legend>
        <${dt} label="Headers with the client IP" value=${e.trustedProxy.headers} onChange=${l("trustedProxy","headers")} error=${i["trustedProxy.headers"]}
          hint="For example X-Forwarded-For, X-Real-IP or CF-Connecting-IP; empty trusts none. Separate with commas." />
        ${y("trustedProxy","useLeftmostIP","Use the leftmost IP of the header (otherwise the rightmost)")}
      </fieldset>
      <fieldset><legend>Batch requests</legend>
        ${y("batch","enabled","Allow POST /api/batch")}
        <div class="grid">
          ${h("batch","maxRequests","Max requests per batch")}
          ${h("batch","timeout","Timeout (seconds)")}
          ${h("batch","maxBodySize","Max body size (bytes, 0 = default)")}
        </div>
      </fieldset>`}let m=n.message&&!Object.keys(i).length;return c`<form onSubmit=${p} novalidate>
    ${u}
    <${oe} message=${m?n.message:Object.keys(i).length?`${n.message} See the fields marked above.`:""} />
    <div class="actions"><button type="submit" class="btn primary" disabled=${r}>Save settings</button></div>
  </form>`}function pr(){let{items:s}=Z(ae),{user:e}=Z(ge),[t,n]=$(e?.email||""),[o,r]=$("verification"),[a,i]=$("_superusers"),[l,p]=$({message:"",fields:{}}),[d,h]=$(!1);return L(()=>{re()},[]),c`<form class="card" onSubmit=${async u=>{u.preventDefault(),h(!0);try{await C.settings.testEmail(a,t,o),p({message:"",fields:{}}),B(`A test mail was sent to ${t}`)}catch(m){p(j(m))}finally{h(!1)}}} aria-labelledby="test-mail-h" novalidate>
    <h3 id="test-mail-h">Send a test e-mail</h3>
    <p class="muted small">Uses the saved settings: save first.</p>
    <div class="grid">
      <${A} label="Send to" type="email" value=${t} onInput=${n} error=${l.fields.email} />
      <${se} label="Template" value=${o} onChange=${r} error=${l.fields.template}
        options=${[{value:"verification",label:"Verification"},{value:"password-reset",label:"Password reset"},{value:"email-change",label:"Email change"},{value:"otp",label:"One-time password"},{value:"login-alert",label:"Log-in alert"}]} />
      <${se} label="Templates of collection" value=${a} onChange=${i} error=${l.fields.collection}
        options=${s.filter(u=>u.type==="auth").map(u=>u.name)} />
    </div>
    <${oe} message=${l.message&&!Object.keys(l.fields).length?l.message:""} />
    <button type="submit" class="btn" disabled=${d}>Send test e-mail</button>
  </form>`}function mr(){let[s,e]=$(null);return c`<div class="card"><h3>Test the storage</h3><p class="muted small">Tries the saved S3 settings: save first.</p>
    <button type="button" class="btn" onClick=${async()=>{e({ok:null,text:"Testing…"});try{await C.settings.testS3("storage"),e({ok:!0,text:"The S3 storage answered: the saved settings work."})}catch(n){let o=j(n);e({ok:!1,text:Object.values(o.fields)[0]||o.message})}}}>Test S3 connection</button>
    <div aria-live="polite">${s&&c`<p class=${s.ok===!1?"field-error":s.ok?"ok-note":"muted"}>${s.text}</p>`}</div></div>`}function hr(){let{user:s}=Z(ge),[e,t]=$(null),[n,o]=$(0),[r,a]=$({email:"",password:"",passwordConfirm:""}),[i,l]=$({message:"",fields:{}}),[p,d]=$(null);L(()=>{C.collection("_superusers").getFullList({sort:"email"}).then(t).catch(m=>l(j(m)))},[n]);let h=async m=>{m.preventDefault();try{await C.collection("_superusers").create(r),B(`Superuser ${r.email} created`),a({email:"",password:"",passwordConfirm:""}),l({message:"",fields:{}}),o(g=>g+1)}catch(g){l(j(g))}},y=async()=>{try{await C.collection("_superusers").delete(p.id),B(`Superuser ${p.email} deleted`)}catch(m){B(j(m).message,"error")}d(null),o(m=>m+1)},u=m=>g=>a(w=>({...w,[m]:g}));return c`
    ${e&&c`<div class="table-wrap"><table class="list"><caption class="sr-only">Superusers</caption>
      <thead><tr><th scope="col">Email</th><th scope="col">Created</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${e.map(m=>c`<tr key=${m.id}><td>${m.email}${m.id===s?.id?c` <span class="badge">you</span>`:""}</td><td class="small">${m.created}</td>
        <td>${m.id!==s?.id&&c`<button type="button" class="btn small danger" onClick=${()=>d(m)}>Delete<span class="sr-only"> ${m.email}</span></button>`}</td></tr>`)}</tbody>
    </table></div>`}
    <form class="card" onSubmit=${h} aria-labelledby="new-su-h" novalidate>
      <h3 id="new-su-h">New superuser</h3>
      <div class="grid">
        <${A} label="Email" type="email" value=${r.email} onInput=${u("email")} error=${i.fields.email} autocomplete="off" />
        <${A} label="Password" type="password" value=${r.password} onInput=${u("password")} error=${i.fields.password} autocomplete="new-password" />
        <${A} label="Confirm password" type="password" value=${r.passwordConfirm} onInput=${u("passwordConfirm")} error=${i.fields.passwordConfirm} autocomplete="new-password" />
      </div>
      <${oe} message=${i.message&&!Object.keys(i.fields).length?i.message:""} />
      <button type="submit" class="btn primary">Create superuser</button>
    </form>
    <${le} open=${!!p} title="Delete this superuser?" confirmLabel="Delete" danger onConfirm=${y} onCancel=${()=>d(null)}>
      <p>${p?.email} can no longer log in to the dashboard.</p>
    <//>`}function jn({params:s}){let e=s.tab||"application",[t,n,o]=dr(),r=(rs.find(a=>a[0]===e)||rs[0])[1];return c`<div class="page settings">
    <div class="page-head"><h1 tabindex="-1">Settings</h1></div>
    <nav class="settings-tabs" aria-label="Settings sections">
      ${rs.map(([a,i])=>c`<a href=${`#/settings/${a}`} aria-current=${a===e?"page":void 0}>${i}</a>`)}
    </nav>
    <section class="card" aria-labelledby="settings-h">
      <h2 id="settings-h">${r}</h2>
      ${o&&c`<p class="field-error" role="alert">${o}</p>`}
      ${e==="superusers"?c`<${hr} />`:t?c`<${ur} key=${e} tab=${e} s=${t} setS=${n} />`:!o&&c`<p role="status">Loading…</p>`}
    </section>
    ${e==="mail"&&c`<${pr} />`}
    ${e==="storage"&&c`<${mr} />`}
  </div>`}function Dn(){Q("/settings",jn,{title:"Settings"}),Q("/settings/:tab",jn,{title:"Settings"}),ye({label:"Settings",href:"#/settings",order:30,match:/^\/settings/})}function br(s){if(s<1024)return`${s} B`;let e=["KB","MB","GB","TB"],t=s/1024,n=0;for(;t>=1024&&n<e.length-1;)t/=1024,n++;return`${t.toFixed(t<10?1:0)} ${e[n]}`}function gr({open:s,onClose:e,onDone:t}){let[n,o]=$(""),[r,a]=$(!1),[i,l]=$(""),p=H();return L(()=>{s&&(o(""),l(""))},[s]),c`<${Ie} open=${s} title="Create a backup" onClose=${e}>
    <form onSubmit=${async h=>{h.preventDefault(),a(!0),l("");try{await C.backups.create(n.trim()),B("Backup created"),t()}catch(y){let u=j(y);l(u.fields.name||u.message)}finally{a(!1)}}}>
      <div class="dialog-body">
        <label for=${p}>Name <span class="muted small">(optional)</span></label>
        <input id=${p} type="text" class="mono" value=${n} placeholder="before_upgrade.zip" onInput=${h=>o(h.currentTarget.value)}
          aria-invalid=${i?"true":void 0} aria-describedby=${`${p}-hint${i?` ${p}-err`:""}`} />
        <p class="muted small" id=${`${p}-hint`}>Lower-case letters, digits, _ and -, ending in .zip. Left empty, Galley names it after the date and time.</p>
        ${i&&c`<p class="field-error" id=${`${p}-err`} role="alert">${i}</p>`}
        <p class="small">The backup holds every collection, record and stored file, taken while Galley keeps serving.</p>
      </div>
      <div class="actions">
        <button type="button" class="btn" onClick=${e}>Cancel</button>
        <button type="submit" class="btn primary" disabled=${r}>${r?"Creating…":"Create backup"}</button>
      </div>
    </form>
  <//>`}function $r(){let[s,e]=$(null),[t,n]=$(""),[o,r]=$(!1),[a,i]=$(null),[l,p]=$(null),[d,h]=$(!1),[y,u]=$(0),m=H();L(()=>{C.backups.getFullList().then(b=>{e(b.sort((_,S)=>String(S.modified).localeCompare(String(_.modified)))),n("")}).catch(b=>n(j(b).message))},[y]);let g=()=>u(b=>b+1),w=async b=>{try{let _=await C.files.getToken();window.location.href=C.backups.getDownloadURL(_,b)}catch(_){B(j(_).message,"error")}},v=async b=>{let _=b.currentTarget.files?.[0];if(b.currentTarget.value="",!!_)try{await C.backups.upload({file:_}),B(`Uploaded ${_.name}`),g()}catch(S){let E=j(S);B(E.fields.file||E.message,"error")}},f=async(b,_)=>{h(!0);try{await _(),B(b),g()}catch(S){B(j(S).message,"error")}finally{h(!1),i(null),p(null)}};return c`<section aria-labelledby="backups-h">
    <div class="page-head"><h2 id="backups-h" class="sub">Backups</h2>
      <div class="actions">
        <label class="btn" for=${m}>Upload backup</label>
        <input id=${m} class="sr-only" type="file" accept=".zip,application/zip" onChange=${v} />
        <button type="button" class="btn primary" onClick=${()=>r(!0)}>Create backup</button>
      </div>
    </div>
    ${t&&c`<p class="field-error" role="alert">${t}</p>`}
    ${!s&&!t&&c`<p role="status">Loading…</p>`}
    ${s&&c`<div class="table-wrap"><table class="list">
      <caption class="sr-only">Backups, newest first</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Size</th><th scope="col">Modified</th></tr></thead>
      <tbody>
        ${s.length===0&&c`<tr><td colspan="3" class="muted">No backups yet. Create one, or upload a backup taken elsewhere (SQLite and PostgreSQL backups restore into either).</td></tr>`}
        ${s.map(b=>c`<tr key=${b.key}>
          <td>
            <span class="mono small">${b.key}</span>
            <div class="row-actions">
              <button type="button" class="btn small" onClick=${()=>w(b.key)}>Download<span class="sr-only"> ${b.key}</span></button>
              <button type="button" class="btn small" onClick=${()=>i(b.key)}>Restore<span class="sr-only"> ${b.key}</span></button>
              <button type="button" class="btn small danger-text" onClick=${()=>p(b.key)}>Delete<span class="sr-only"> ${b.key}</span></button>
            </div>
          </td>
          <td class="small">${br(b.size)}</td>
          <td class="small">${b.modified}</td>
        </tr>`)}
      </tbody>
    </table></div>`}
    <${gr} open=${o} onClose=${()=>r(!1)} onDone=${()=>{r(!1),g()}} />
    <${le} open=${!!a} title="Restore this backup?" confirmLabel="Restore" danger busy=${d}
      onCancel=${()=>i(null)} onConfirm=${()=>f("Backup restored",()=>C.backups.restore(a))}>
      <p>Every collection, record and file is replaced by the content of <strong class="mono">${a}</strong>. Changes made since it was taken are lost. Create a backup first if unsure.</p>
    <//>
    <${le} open=${!!l} title="Delete this backup?" confirmLabel="Delete" danger busy=${d}
      onCancel=${()=>p(null)} onConfirm=${()=>f("Backup deleted",()=>C.backups.delete(l))}>
      <p><strong class="mono">${l}</strong> is deleted for good.</p>
    <//>
  </section>`}function yr(){let[s,e]=$(null),[t,n]=$(""),[o,r]=$("");L(()=>{C.crons.getFullList().then(e).catch(i=>n(j(i).message))},[]);let a=async i=>{r(i);try{await C.crons.run(i),B(`Ran ${i}`)}catch(l){B(j(l).message,"error")}finally{r("")}};return c`<section aria-labelledby="crons-h">
    <h2 id="crons-h" class="sub">Scheduled jobs</h2>
    <p class="muted">Jobs registered by hooks (<code>cronAdd</code>) and by Galley itself, with their schedules in UTC. On several nodes each run happens on one node only.</p>
    ${t&&c`<p class="field-error" role="alert">${t}</p>`}
    ${!s&&!t&&c`<p role="status">Loading…</p>`}
    ${s&&c`<div class="table-wrap"><table class="list">
      <caption class="sr-only">Scheduled jobs</caption>
      <thead><tr><th scope="col">Job</th><th scope="col">Schedule</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>
        ${s.length===0&&c`<tr><td colspan="3" class="muted">No scheduled jobs.</td></tr>`}
        ${s.map(i=>c`<tr key=${i.id}>
          <td class="mono small">${i.id}</td>
          <td class="mono small">${i.expression}</td>
          <td><button type="button" class="btn small" disabled=${o===i.id} onClick=${()=>a(i.id)}>${o===i.id?"Running…":"Run now"}<span class="sr-only"> ${i.id}</span></button></td>
        </tr>`)}
      </tbody>
    </table></div>`}
  </section>`}function vr(){return c`<div class="page backups">
    <div class="page-head"><h1 tabindex="-1">Backups and jobs</h1></div>
    <p class="muted">Automatic backups and where they are kept (local disk or S3) are set in <a href="#/settings">Settings</a>.</p>
    <${$r} />
    <${yr} />
  </div>`}function Un(){Q("/backups",vr,{title:"Backups and jobs"}),ye({label:"Backups and jobs",href:"#/backups",order:25})}function Fn(s,e=Date.now()){let t=Math.max(0,Math.round((e-new Date(s).getTime())/1e3));return t<60?`${t} s ago`:t<3600?`${Math.floor(t/60)} min ago`:t<86400?`${Math.floor(t/3600)} h ago`:`${Math.floor(t/86400)} d ago`}function _r(){let[s,e]=$(null),[t,n]=$(null),[o,r]=$("");L(()=>{let i=!1,l=()=>Promise.all([C.health.check(),C.send("/api/realtime/stats",{})]).then(([d,h])=>!i&&(e(d.data||{}),n(h),r(""))).catch(d=>!i&&r(j(d).message));l();let p=setInterval(l,5e3);return()=>{i=!0,clearInterval(p)}},[]);let a=s?.nodes||[];return c`<div class="page nodes">
    <div class="page-head"><h1 tabindex="-1">Nodes</h1></div>
    <p class="muted">The Galley processes serving this app. On PostgreSQL every node beats every few seconds; one of them, the leader, runs the background work (clean-ups, retention). On SQLite there is one node.</p>
    ${o&&c`<p class="field-error" role="alert">${o}</p>`}
    ${!s&&!o&&c`<p role="status">Loading…</p>`}
    ${s&&c`<p class="small" role="status">${a.length} live node${a.length===1?"":"s"}${s.realIP?c`; your address as this node sees it: <span class="mono">${s.realIP}</span>`:""}</p>
    ${s.possibleProxyHeader&&c`<p class="field-error">Requests carry a <code>${s.possibleProxyHeader}</code> header but no trusted proxy header is set: client IPs (and per-IP rate limits) see the proxy. Set it in <a href="#/settings/limits">Settings → Limits and proxy</a>.</p>`}
    <div class="table-wrap"><table class="list">
      <caption class="sr-only">Live nodes</caption>
      <thead><tr><th scope="col">Node</th><th scope="col">Address</th><th scope="col">Version</th><th scope="col">Started</th><th scope="col">Last seen</th><th scope="col">Role</th></tr></thead>
      <tbody>
        ${a.map(i=>c`<tr key=${i.id}>
          <td class="mono small">${i.id}${i.self?c` <span class="muted">(this one)</span>`:""}</td>
          <td class="mono small">${i.address||"—"}</td>
          <td class="small">${i.version}</td>
          <td class="small" title=${i.started}>${Fn(i.started)}</td>
          <td class="small" title=${i.lastSeen}>${Fn(i.lastSeen)}</td>
          <td class="small">${i.leader?"leader":"follower"}</td>
        </tr>`)}
      </tbody>
    </table></div>`}
    ${t&&c`<section aria-labelledby="rt-h">
      <h2 id="rt-h" class="sub">Realtime by node</h2>
      <p class="muted small">Each node's open connections (SSE and WebSocket), record subscriptions, channels with someone present and members present, as of its last heartbeat (every 2 s); this node's as of now.</p>
      <div class="table-wrap"><table class="list realtime-nodes">
        <caption class="sr-only">Realtime by node</caption>
        <thead><tr><th scope="col">Node</th><th scope="col">Connections</th><th scope="col">WebSocket</th><th scope="col">SSE</th><th scope="col">Subscriptions</th><th scope="col">Channels</th><th scope="col">Present</th></tr></thead>
        <tbody>
          ${(t.nodes||[]).map(i=>{let l=i.realtime;return c`<tr key=${i.id}>
              <th scope="row" class="mono small">${i.id}${i.self?c` <span class="muted">(this one)</span>`:""}</th>
              ${l?c`<td>${l.clients}</td><td>${l.websocket}</td><td>${l.clients-l.websocket}</td><td>${l.subscriptions}</td><td>${l.channels}</td><td>${l.present}</td>`:c`<td colspan="6" class="muted small">not reported (an earlier version)</td>`}
            </tr>`})}
        </tbody>
      </table></div>
    </section>`}
  </div>`}function Mn(){Q("/nodes",_r,{title:"Nodes"}),ye({label:"Nodes",href:"#/nodes",order:27})}function Bn(){Q("/login",pt,{public:!0,title:"Log in"}),Q("/install",Zs,{public:!0,title:"Install"}),Tn(),Nn(),qn(),Dn(),Un(),Mn()}var xr=s=>`#/collections/${encodeURIComponent(s.id)}`,Sr={base:"B",auth:"A",view:"V"};function zn({c:s,current:e}){let t=xr(s),n=e.startsWith(t.slice(1));return c`
    <li>
      <a href=${t} class=${n?"current":""} aria-current=${n?"page":void 0}>
        <span class=${`type-mark t-${s.type}`} aria-hidden="true">${Sr[s.type]||"?"}</span>
        <span class="name">${s.name}</span>
        <span class="sr-only"> (${s.type}${ue(s)?", system":""})</span>
      </a>
    </li>
  `}function Cr({path:s,onNavigate:e}){let{items:t,loaded:n,error:o}=Z(ae),{user:r}=Z(ge),[a,i]=$(""),l=h=>!a||h.name.toLowerCase().includes(a.toLowerCase()),p=t.filter(h=>!ue(h)&&l(h)),d=t.filter(h=>ue(h)&&l(h));return c`
    <nav class="sidebar-inner" aria-label="Dashboard" onClick=${h=>h.target.closest("a")&&e()}>
      <a class="brand" href="#/collections">Galley</a>
      <ul class="nav-main">
        ${Hs().map(h=>{let y=s===h.href.slice(1)||h.match&&h.match.test(s);return c`<li><a href=${h.href} class=${y?"current":""} aria-current=${y?"page":void 0}>${h.label}</a></li>`})}
      </ul>
      <section class="nav-collections" aria-labelledby="nav-coll-h">
        <div class="nav-head">
          <h2 id="nav-coll-h">Collections</h2>
          <a class="btn small" href="#/collections/new">+ New<span class="sr-only"> collection</span></a>
        </div>
        <label class="sr-only" for="nav-filter">Filter collections</label>
        <input id="nav-filter" type="search" placeholder="Filter collections" value=${a} onInput=${h=>i(h.currentTarget.value)} />
        ${o&&c`<p class="field-error">Could not load the collections. <button class="btn link" onClick=${re}>Retry</button></p>`}
        ${n&&!p.length&&!a&&c`<p class="muted small">No collections yet.</p>`}
        <ul class="nav-list">${p.map(h=>c`<${zn} key=${h.id} c=${h} current=${s} />`)}</ul>
        ${d.length>0&&c`<details class="nav-system" open=${!!a}>
          <summary>System collections (${d.length})</summary>
          <ul class="nav-list">${d.map(h=>c`<${zn} key=${h.id} c=${h} current=${s} />`)}</ul>
        </details>`}
      </section>
      <div class="nav-account">
        <span class="small muted" title=${r?.email}>${r?.email}</span>
        <button class="btn small" type="button" onClick=${qe}>Log out</button>
      </div>
    </nav>
  `}function Tr(s){s.preventDefault(),document.getElementById("main-content")?.focus()}function Hn({path:s,children:e}){let[t,n]=$(!1);return L(()=>{re()},[]),L(()=>n(!1),[s]),L(()=>{if(!t)return;let o=r=>r.key==="Escape"&&n(!1);return window.addEventListener("keydown",o),()=>window.removeEventListener("keydown",o)},[t]),c`
    <a class="skip-link" href="#main-content" onClick=${Tr}>Skip to content</a>
    <div class=${`shell ${t?"menu-open":""}`}>
      <header class="topbar">
        <button class="btn" type="button" aria-expanded=${t?"true":"false"} aria-controls="sidebar" onClick=${()=>n(!t)}>
          ${t?"Close menu":"Menu"}
        </button>
        <a class="brand" href="#/collections">Galley</a>
      </header>
      <div class="sidebar" id="sidebar">
        <${Cr} path=${s} onNavigate=${()=>n(!1)} />
      </div>
      ${t&&c`<div class="scrim" onClick=${()=>n(!1)}></div>`}
      <main id="main-content" tabindex="-1" class="main">${e}</main>
    </div>
  `}Bn();function Rr(){return c`<div class="page"><h1 tabindex="-1">Not found</h1><p>There is no such page. <a href="#/collections">Go to the collections</a>.</p></div>`}function Or(){let{user:s,expired:e}=Z(ge),t=Js(),[n,o]=$(!1),r=J(!0);L(()=>{Bs().finally(()=>o(!0))},[]);let a=Ws(t.path),i=a?.route.title||(a?"":"Not found");if(L(()=>{document.title=i?`${i} · Galley`:"Galley"},[i]),L(()=>{if(r.current){r.current=!1;return}requestAnimationFrame(()=>document.querySelector("#main-content h1")?.focus())},[t.path]),t.path==="/"||s&&t.path==="/login")return me("#/collections",{replace:!0}),null;if(a?.route.public)return c`<${a.route.component} params=${a.params} query=${t.query} /><${mt} />`;if(!n)return c`<p class="loading" role="status">Loading…</p>`;if(!s)return c`<${pt} /><${mt} />`;let l=a?a.route.component:Rr;return c`
    <${Hn} path=${t.path}>
      <${l} key=${t.path} params=${a?.params||{}} query=${t.query} />
    <//>
    <${Ie} open=${e} title="Log in again">
      <${Xs} email=${s.email} />
    <//>
    <${mt} />
  `}$s(c`<${Or} />`,document.getElementById("app"));
